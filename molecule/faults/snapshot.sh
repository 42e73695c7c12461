#!/bin/sh
# One line of JSON about keepalived and Apache on this host, for molecule/faults/verify.yml:
# main pids, restart counts, states, the RestartSec of keepalived, and the checksum and
# mtime of keepalived.conf. Reads only.
set -eu
conf=/etc/keepalived/keepalived.conf
show() { systemctl show "$1" -p "$2" --value; }
usec() { # systemd prints RestartUSec as "5s", "1min 30s", "500ms"; turn it into seconds
    systemctl show "$1" -p RestartUSec --value | awk '{
        s = 0
        for (i = 1; i <= NF; i++) {
            v = $i; n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
            if (u == "min") s += n * 60; else if (u == "ms") s += n / 1000
            else if (u == "us") s += n / 1000000; else s += n
        }
        print s }'
}
printf '{"keepalived_pid": %s, "keepalived_restarts": %s, "keepalived_active": "%s", ' \
    "$(show keepalived MainPID)" "$(show keepalived NRestarts)" "$(show keepalived ActiveState)"
printf '"keepalived_enabled": "%s", "restart_sec": %s, "apache_pid": %s, ' \
    "$(show keepalived UnitFileState)" "$(usec keepalived)" "$(show apache2 MainPID)"
printf '"apache_active": "%s", "apache_enabled": "%s", "conf_sha256": "%s", "conf_mtime": %s}\n' \
    "$(show apache2 ActiveState)" "$(show apache2 UnitFileState)" \
    "$(sha256sum "$conf" | cut -d' ' -f1)" "$(stat -c %.9Y "$conf" 2>/dev/null || stat -c %Y "$conf")"
