"""The matching core in solver shape: arrays, integer minutes, no wire or storage types."""
