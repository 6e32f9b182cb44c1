for _ in $(seq 1200); do [ -e /run/killercoda/intro-background.done ] && break; sleep 0.25; done
#!/bin/bash
test -f /root/step3-background && curl -fsS localhost:8000/index.html | grep -q "body of the page"
