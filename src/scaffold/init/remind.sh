# 只在设置了发送渠道的密钥（或要求试运行）时提醒；只设了一种密钥，就只用那一种渠道。
smtp="${@SMTP_PASSWORD_ENV@:-}"
webhook="${@WEBHOOK_ENV@:-}"
if [ -z "$smtp" ] && [ -z "$webhook" ] && [ "${SHENBAO_DRY_RUN:-}" != true ]; then
  echo "未设置 @SMTP_PASSWORD_ENV@ 或 @WEBHOOK_ENV@：不发送提醒。"
  exit 0
fi
set --
if [ "${SHENBAO_DRY_RUN:-}" = true ]; then set -- --dry-run; fi
if [ -n "$smtp" ] && [ -z "$webhook" ]; then set -- "$@" --channel email; fi
if [ -z "$smtp" ] && [ -n "$webhook" ]; then set -- "$@" --channel webhook; fi
shenbao remind "$@"
