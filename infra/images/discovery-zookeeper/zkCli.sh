#!/bin/sh
# ZooKeeper's own interactive shell (org.apache.zookeeper.ZooKeeperMain), e.g.
#   zkCli.sh -server zk-1:2181
# with a small heap and quiet logging (warnings only).
exec java -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dzookeeper.root.logger=WARN,CONSOLE \
  -Dlog4j.configuration=file:/usr/local/lib/discovery/log4j.properties \
  -cp /usr/share/java/zookeeper.jar org.apache.zookeeper.ZooKeeperMain "$@"
