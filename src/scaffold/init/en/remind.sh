# Remind only when a channel's secret is set (or a dry run is asked for); with one secret, only that channel.
smtp="${@SMTP_PASSWORD_ENV@:-}"
webhook="${@WEBHOOK_ENV@:-}"
if [ -z "$smtp" ] && [ -z "$webhook" ] && [ "${SHENBAO_DRY_RUN:-}" != true ]; then
  echo "Neither @SMTP_PASSWORD_ENV@ nor @WEBHOOK_ENV@ is set: no reminders sent."
  exit 0
fi
set --
if [ "${SHENBAO_DRY_RUN:-}" = true ]; then set -- --dry-run; fi
if [ -n "$smtp" ] && [ -z "$webhook" ]; then set -- "$@" --channel email; fi
if [ -z "$smtp" ] && [ -n "$webhook" ]; then set -- "$@" --channel webhook; fi
shenbao remind "$@"
