"""The plan wing: the almanac, matching campaigns to the year, the door-to-door schedule, records and assessment."""
