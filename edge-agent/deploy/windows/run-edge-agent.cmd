@echo off
rem The scheduled task's action: puts a new jar in place, then runs the agent with settings.cmd.
rem Windows does not let a running JVM's jar be replaced, so an upgrade copies the new one to
rem edge-agent.jar.new, and it is moved into place here, before the JVM opens it (as Go's
rem test_machine_monitor.ps1 did with test_machine_monitor2.exe).
setlocal
cd /d "%~dp0"
if exist edge-agent.jar.new (
  move /y edge-agent.jar.new edge-agent.jar || exit /b 1
)
call "%~dp0settings.cmd"
call "%~dp0edge-agent.cmd"
exit /b %ERRORLEVEL%
