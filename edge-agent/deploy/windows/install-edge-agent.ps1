# Installs the edge agent on a Windows test host, as Go's test_machine_monitor was installed: a
# scheduled task that starts at chrome-bot's logon, in the interactive session (GPU tasks need the
# desktop), restarted when it fails. Run as an administrator, from the unpacked edge-agent.tar.gz:
#   tar -xzf edge-agent.tar.gz
#   powershell -ExecutionPolicy Bypass -File install-edge-agent.ps1 -Source .\edge-agent
# Then edit C:\edge-agent\settings.cmd, and log chrome-bot on (or reboot the autologon host).
# To upgrade: copy the new jar to C:\edge-agent\edge-agent.jar.new; the next start moves it in.
param(
    [string]$Source = ".\edge-agent",
    [string]$InstallDir = "C:\edge-agent",
    [string]$User = "chrome-bot"
)
$ErrorActionPreference = "Stop"

New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
foreach ($file in "edge-agent.cmd", "jvm.options", "edge-agent.jar") {
    Copy-Item -Force -Path (Join-Path $Source $file) -Destination $InstallDir
}
Copy-Item -Force -Path (Join-Path $PSScriptRoot "run-edge-agent.cmd") -Destination $InstallDir
# The operator's settings are kept over a reinstall.
if (-not (Test-Path (Join-Path $InstallDir "settings.cmd"))) {
    Copy-Item -Path (Join-Path $PSScriptRoot "settings.cmd") -Destination $InstallDir
}

$action = New-ScheduledTaskAction -Execute "cmd.exe" `
    -Argument "/c `"$InstallDir\run-edge-agent.cmd`"" -WorkingDirectory $InstallDir
$trigger = New-ScheduledTaskTrigger -AtLogOn -User $User
$principal = New-ScheduledTaskPrincipal -UserId $User -LogonType Interactive -RunLevel Limited
# No time limit, one instance at a time, and restarted every minute when it fails (1000 times).
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -MultipleInstances IgnoreNew `
    -RestartCount 1000 -RestartInterval (New-TimeSpan -Minutes 1) -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
Register-ScheduledTask -TaskPath "\Skia\" -TaskName "edge-agent" -Action $action -Trigger $trigger `
    -Principal $principal -Settings $settings -Description "Edge agent: reports this test host to the machine state server" `
    -Force | Out-Null
Write-Host "Installed in $InstallDir; edit $InstallDir\settings.cmd, then log $User on."
