public enum LogStoreModule {}
