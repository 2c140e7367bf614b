# 开机自动启动办公室服务器（Windows 任务计划程序）。
# 用法：按本镇的目录和证书改下面三行，然后在“以管理员身份运行”的 PowerShell 里执行：
#   powershell -ExecutionPolicy Bypass -File wanjia-office.ps1
# 之后每次开机自动启动，出错 1 分钟后重试；在“任务计划程序”里可以看到名为 wanjia-office 的任务。
$Project = "D:\万家\青禾镇"                      # 本镇的项目目录
$Wanjia  = "D:\万家\wanjia\.venv\Scripts\wanjia.exe"
$Cert    = "D:\万家\证书\证书.pem"; $Key = "D:\万家\证书\私钥.pem"

$action   = New-ScheduledTaskAction -Execute $Wanjia -WorkingDirectory $Project `
            -Argument "-C `"$Project`" office --host 0.0.0.0 --port 8443 --cert `"$Cert`" --key `"$Key`""
$trigger  = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
            -ExecutionTimeLimit ([TimeSpan]::Zero) -StartWhenAvailable
Register-ScheduledTask -TaskName "wanjia-office" -Action $action -Trigger $trigger -Settings $settings `
    -User $env:USERNAME -RunLevel Limited -Force
Write-Host "已登记：开机自动启动万家办公室服务器（任务名 wanjia-office）。现在启动：Start-ScheduledTask wanjia-office"
