echo "waiting for the host to be prepared"
