@rem The edge agent's settings on this Windows host, read by run-edge-agent.cmd at each start.
@rem Every flag has an environment twin (edge-agent.cmd --help lists them).
set EDGE_AGENT_SERVER=https://machines.example.org
@rem An agent-role token (README.md "Access control"), in a file only chrome-bot can read.
set MACHINESERVER_TOKEN_FILE=C:\edge-agent\token
set EDGE_AGENT_START_SWARMING=true
set EDGE_AGENT_PYTHON_EXE=C:\Python311\python.exe
set EDGE_AGENT_SWARMING_BOT_ZIP=C:\b\s\swarming_bot.zip
@rem A restarted agent takes over the bot and its task instead of starting a second bot.
set EDGE_AGENT_LEAVE_BOT_RUNNING=true
