#!/usr/bin/env bash
# Times the browser from start to its first results on screen, in tmux, and reads its resident
# memory then: `scripts/first-results.sh [RUNS] [COLSxROWS]` with EVIDEX_LIBRARY set to the
# library to open (see docs/PERFORMANCE.md). Polls the pane every 20 ms until the results'
# title shows a count.
set -euo pipefail
runs=${1:-5}
size=${2:-120x40}
bin=${EVIDEX_BIN:-target/release/evidex}
session=evidex-first-$$
for _ in $(seq "$runs"); do
    tmux kill-session -t "$session" 2>/dev/null || true
    start=$(date +%s%N)
    tmux new-session -d -s "$session" -x "${size%x*}" -y "${size#*x}" "$bin"
    until tmux capture-pane -p -t "$session" | grep -Eq '[0-9] (results|result)'; do
        sleep 0.02
        if (( ($(date +%s%N) - start) > 120000000000 )); then
            echo "no results after 120 s" >&2
            tmux kill-session -t "$session"
            exit 1
        fi
    done
    end=$(date +%s%N)
    pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    printf '%.2f s, %d MB resident\n' "$(echo "($end - $start) / 1000000000" | bc -l)" $((rss / 1024))
    tmux kill-session -t "$session"
    sleep 1
done
