"""ishowtts_ros: text on a ROS 2 topic in, speech in a cloned voice out."""

__version__ = "0.1.0"
