#!/bin/bash
echo tool ran
