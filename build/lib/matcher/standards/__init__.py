"""Reference standards that rules use as data: SME size classes, small low-profit enterprises."""
