package io.warren.storage;

/**
 * Rough figures for metrics, summed over all families. All are RocksDB estimates.
 *
 * @param estimatedKeys estimated number of live keys
 * @param liveDataBytes estimated size of live data on disk
 * @param sstBytes total size of all table (and blob) files
 * @param memtableBytes memory held by memtables
 */
public record StoreStats(long estimatedKeys, long liveDataBytes, long sstBytes, long memtableBytes) {}
