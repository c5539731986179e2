"""newsflow: real-time news enrichment on Apache Kafka."""

__version__ = "0.1.0"
