#!/usr/bin/env bash
# What bad input must not change on a host; SNAPSHOT=before sets the marker,
# SNAPSHOT=after also lists every file under /etc, /var/www and /usr/local written
# (or whose mode/owner changed) since the marker.
# verify.yml and batch.yml run it on every host (the file's content, through
# ansible.builtin.shell); by hand on a host: SNAPSHOT=before ./snapshot.sh
set -u
marker=/run/failover-bad-input.marker
for f in /etc/keepalived/keepalived.conf \
         /etc/systemd/system/keepalived.service.d/50-failover-keepalived.conf \
         /usr/local/libexec/failover-keepalived/keepalived-config-check \
         /etc/apache2/conf-enabled/failover-keepalived.conf \
         /var/www/html/index.html \
         /etc/passwd /etc/group /etc/shadow; do
    if [ -e "$f" ]; then
        echo "$(sha256sum < "$f" | cut -c1-64) $(stat -c '%a %U:%G' "$f") $f"
    else
        echo "absent $f"
    fi
done
for unit in keepalived apache2; do
    echo "$unit pid=$(systemctl show -p MainPID --value "$unit")" \
         "reloads=$(journalctl -q -u "$unit" -o cat | grep -c '^Reload')"
done
if [ "${SNAPSHOT:-before}" = before ]; then
    touch "$marker"
else
    find /etc /var/www /usr/local -xdev \( -newer "$marker" -o -cnewer "$marker" \) \
        -printf 'written since the marker: %p\n'
fi
