echo "serve the page"
