for _ in $(seq 1200); do [ -e /run/killercoda/intro-background.done ] && break; sleep 0.25; done
#!/bin/bash
grep -q "hello from step 1" /root/work/step1.txt && test -f /root/prepared && test -x /usr/local/bin/tool.sh && test -f /etc/demo/app.yaml
