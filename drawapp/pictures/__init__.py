"""The picture pipeline of a stroke: the generate task, Generation rows, picture files, events."""
