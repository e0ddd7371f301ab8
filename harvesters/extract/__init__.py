"""Reading knowledge out of text, shared by every source and by imports:
dates in all their forms, attendee lists and counts, theme decisions,
co-creation timelines and thematic groups."""
