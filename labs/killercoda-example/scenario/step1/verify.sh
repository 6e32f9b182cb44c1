#!/bin/bash
grep -q "hello from step 1" /root/work/step1.txt && test -f /root/prepared && test -x /usr/local/bin/tool.sh && test -f /etc/demo/app.yaml
