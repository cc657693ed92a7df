@echo off
rem Runs the edge agent with the JVM flags of jvm.options beside it; see edge-agent (the sh
rem launcher) for the details. %EDGE_AGENT_JAVA_OPTS% adds JVM flags after those of jvm.options.
setlocal
set "JAVA=java"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java.exe"
"%JAVA%" "@%~dp0jvm.options" %EDGE_AGENT_JAVA_OPTS% -jar "%~dp0edge-agent.jar" %*
exit /b %ERRORLEVEL%
