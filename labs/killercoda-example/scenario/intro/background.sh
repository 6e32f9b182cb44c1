#!/bin/bash
sleep 2
echo prepared > /root/prepared
