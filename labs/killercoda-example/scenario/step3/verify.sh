#!/bin/bash
test -f /root/step3-background && curl -fsS localhost:8000/index.html | grep -q "body of the page"
