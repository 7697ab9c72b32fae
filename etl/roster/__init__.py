"""The roster (机构名录): reading it, matching reports to it, and the coverage counted against it."""
