package io.warren.storage;

/**
 * Rough figures for metrics, summed over all families. All are RocksDB estimates or RocksDB's own
 * counters since the store was opened (they start over when a store is reopened or replaced).
 *
 * @param estimatedKeys estimated number of live keys ({@code rocksdb.estimate-num-keys})
 * @param liveDataBytes estimated size of live data on disk ({@code rocksdb.estimate-live-data-size})
 * @param sstBytes total size of all table and blob files ({@code rocksdb.total-sst-files-size} plus
 *     {@code rocksdb.total-blob-file-size})
 * @param memtableBytes memory held by memtables ({@code rocksdb.cur-size-all-mem-tables})
 * @param pendingCompactionBytes bytes compaction estimates it must rewrite to bring every level
 *     within its target size ({@code rocksdb.estimate-pending-compaction-bytes})
 * @param runningCompactions compactions running now ({@code rocksdb.num-running-compactions})
 * @param delayedWriteRate the rate writes are slowed to, bytes per second, while RocksDB delays
 *     them; 0 when it does not ({@code rocksdb.actual-delayed-write-rate})
 * @param writeStopped whether writes are stopped now ({@code rocksdb.is-write-stopped})
 * @param writeDelays times writes were delayed (stall stats {@code total-delays})
 * @param writeStops times writes were stopped (stall stats {@code total-stops}, plus stops by the
 *     shared write buffer manager)
 */
public record StoreStats(
    long estimatedKeys,
    long liveDataBytes,
    long sstBytes,
    long memtableBytes,
    long pendingCompactionBytes,
    long runningCompactions,
    long delayedWriteRate,
    boolean writeStopped,
    long writeDelays,
    long writeStops) {}
