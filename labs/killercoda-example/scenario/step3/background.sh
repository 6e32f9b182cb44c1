#!/bin/bash
echo "step 3 background ran" > /root/step3-background
