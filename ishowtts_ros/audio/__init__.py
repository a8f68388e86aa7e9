"""Audio sinks and helpers: WAV files, local playback, resampling. No ROS."""
