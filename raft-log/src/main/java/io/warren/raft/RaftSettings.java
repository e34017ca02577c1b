package io.warren.raft;

import java.time.Duration;

/**
 * Tuning of the replicated log, with defaults from the "Recommended setup" of our Ratis guide.
 * Change through {@link #toBuilder()}.
 *
 * @param electionTimeoutMin a follower starts an election after hearing nothing from the leader
 *     for a random time between min and max; the leader heartbeats every min/2
 * @param electionTimeoutMax see min
 * @param firstElectionTimeoutMin the same for the very first election after start (short, so a
 *     fresh cluster gets a leader quickly)
 * @param firstElectionTimeoutMax see min
 * @param maxCommandBytes largest command accepted by {@link RaftNode#submit}; sizes the Raft append
 *     buffer, write buffer and gRPC message limit
 * @param segmentSizeBytes Raft log segment size; only whole closed segments are purged
 * @param preallocatedBytes preallocation of a new segment file
 * @param segmentCacheNum closed segments kept in memory per group
 * @param snapshotThreshold take a snapshot (RocksDB checkpoint) after this many applied entries
 * @param purgeGap purge the log only when it moves at least this far
 * @param purgePreservation entries kept behind the snapshot, so a slightly lagging follower catches
 *     up from the log instead of a full snapshot
 * @param forceSyncNum fsync the log at least every this many entries (group commit)
 * @param asyncFlush overlap log writes with fsync (still acknowledges only fsync'd entries)
 * @param writeElementLimit pending writes per leader before it answers "busy"
 * @param writeByteLimit pending write bytes per leader before it answers "busy"
 * @param retryCacheExpiry how long a server remembers a client request to drop its retries
 * @param clientRequestTimeout per-attempt timeout of a forwarded command
 * @param submitTimeout overall time limit of a {@link RaftNode#submit}
 * @param maxInFlightPerGroup commands of one group sent but not yet answered, per node (bounds
 *     this node's share of the leader's pending writes)
 * @param maxQueuedPerGroup commands of one group waiting on this node before submits are refused
 *     with {@link ReplicationException.Kind#OVERLOADED}
 * @param slownessTimeout a follower silent for this long is reported slow
 * @param noLeaderTimeout a follower without leader for this long is reported
 * @param closeThreshold a JVM pause longer than this shuts the Raft server down (Ratis rule)
 * @param grpcServerWorkers gRPC server event-loop threads (0 = gRPC default, 2 x cores)
 * @param blockCacheBytes RocksDB read cache shared by all groups of the node
 * @param memtableBudgetBytes RocksDB memtable memory shared by all groups of the node
 * @param writeBufferBytes RocksDB memtable size per family
 */
public record RaftSettings(
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration firstElectionTimeoutMin,
    Duration firstElectionTimeoutMax,
    int maxCommandBytes,
    long segmentSizeBytes,
    long preallocatedBytes,
    int segmentCacheNum,
    long snapshotThreshold,
    int purgeGap,
    long purgePreservation,
    int forceSyncNum,
    boolean asyncFlush,
    int writeElementLimit,
    long writeByteLimit,
    Duration retryCacheExpiry,
    Duration clientRequestTimeout,
    Duration submitTimeout,
    int maxInFlightPerGroup,
    int maxQueuedPerGroup,
    Duration slownessTimeout,
    Duration noLeaderTimeout,
    Duration closeThreshold,
    int grpcServerWorkers,
    long blockCacheBytes,
    long memtableBudgetBytes,
    long writeBufferBytes) {

  private static final long MB = 1L << 20;

  public RaftSettings {
    if (electionTimeoutMin.compareTo(electionTimeoutMax) > 0
        || firstElectionTimeoutMin.compareTo(firstElectionTimeoutMax) > 0) {
      throw new IllegalArgumentException("election timeout min must not exceed max");
    }
    if (maxCommandBytes < 1024 || segmentSizeBytes < preallocatedBytes) {
      throw new IllegalArgumentException("maxCommandBytes >= 1 KiB and segment >= preallocation");
    }
    if (snapshotThreshold < 1 || maxInFlightPerGroup < 1 || maxQueuedPerGroup < 1) {
      throw new IllegalArgumentException("thresholds and limits must be positive");
    }
  }

  /** Production defaults. */
  public static RaftSettings defaults() {
    return new RaftSettings(
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofMillis(200),
        Duration.ofMillis(500),
        16 * (int) MB,
        64 * MB,
        4 * MB,
        2,
        200_000,
        10_000,
        50_000,
        128,
        false,
        4096,
        32 * MB,
        Duration.ofSeconds(120),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        512,
        20_000,
        Duration.ofSeconds(20),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        256 * MB,
        256 * MB,
        16 * MB);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some settings, keeping the rest. */
  public static final class Builder {
    private Duration electionTimeoutMin;
    private Duration electionTimeoutMax;
    private Duration firstElectionTimeoutMin;
    private Duration firstElectionTimeoutMax;
    private int maxCommandBytes;
    private long segmentSizeBytes;
    private long preallocatedBytes;
    private int segmentCacheNum;
    private long snapshotThreshold;
    private int purgeGap;
    private long purgePreservation;
    private int forceSyncNum;
    private boolean asyncFlush;
    private int writeElementLimit;
    private long writeByteLimit;
    private Duration retryCacheExpiry;
    private Duration clientRequestTimeout;
    private Duration submitTimeout;
    private int maxInFlightPerGroup;
    private int maxQueuedPerGroup;
    private Duration slownessTimeout;
    private Duration noLeaderTimeout;
    private Duration closeThreshold;
    private int grpcServerWorkers;
    private long blockCacheBytes;
    private long memtableBudgetBytes;
    private long writeBufferBytes;

    private Builder(RaftSettings s) {
      electionTimeoutMin = s.electionTimeoutMin;
      electionTimeoutMax = s.electionTimeoutMax;
      firstElectionTimeoutMin = s.firstElectionTimeoutMin;
      firstElectionTimeoutMax = s.firstElectionTimeoutMax;
      maxCommandBytes = s.maxCommandBytes;
      segmentSizeBytes = s.segmentSizeBytes;
      preallocatedBytes = s.preallocatedBytes;
      segmentCacheNum = s.segmentCacheNum;
      snapshotThreshold = s.snapshotThreshold;
      purgeGap = s.purgeGap;
      purgePreservation = s.purgePreservation;
      forceSyncNum = s.forceSyncNum;
      asyncFlush = s.asyncFlush;
      writeElementLimit = s.writeElementLimit;
      writeByteLimit = s.writeByteLimit;
      retryCacheExpiry = s.retryCacheExpiry;
      clientRequestTimeout = s.clientRequestTimeout;
      submitTimeout = s.submitTimeout;
      maxInFlightPerGroup = s.maxInFlightPerGroup;
      maxQueuedPerGroup = s.maxQueuedPerGroup;
      slownessTimeout = s.slownessTimeout;
      noLeaderTimeout = s.noLeaderTimeout;
      closeThreshold = s.closeThreshold;
      grpcServerWorkers = s.grpcServerWorkers;
      blockCacheBytes = s.blockCacheBytes;
      memtableBudgetBytes = s.memtableBudgetBytes;
      writeBufferBytes = s.writeBufferBytes;
    }

    public Builder electionTimeout(Duration min, Duration max) {
      electionTimeoutMin = min;
      electionTimeoutMax = max;
      return this;
    }

    public Builder firstElectionTimeout(Duration min, Duration max) {
      firstElectionTimeoutMin = min;
      firstElectionTimeoutMax = max;
      return this;
    }

    public Builder maxCommandBytes(int v) {
      maxCommandBytes = v;
      return this;
    }

    public Builder segmentSizeBytes(long v) {
      segmentSizeBytes = v;
      return this;
    }

    public Builder preallocatedBytes(long v) {
      preallocatedBytes = v;
      return this;
    }

    public Builder segmentCacheNum(int v) {
      segmentCacheNum = v;
      return this;
    }

    public Builder snapshotThreshold(long v) {
      snapshotThreshold = v;
      return this;
    }

    public Builder purge(int gap, long preservation) {
      purgeGap = gap;
      purgePreservation = preservation;
      return this;
    }

    public Builder forceSyncNum(int v) {
      forceSyncNum = v;
      return this;
    }

    public Builder asyncFlush(boolean v) {
      asyncFlush = v;
      return this;
    }

    public Builder writeLimits(int elements, long bytes) {
      writeElementLimit = elements;
      writeByteLimit = bytes;
      return this;
    }

    public Builder retryCacheExpiry(Duration v) {
      retryCacheExpiry = v;
      return this;
    }

    public Builder clientRequestTimeout(Duration v) {
      clientRequestTimeout = v;
      return this;
    }

    public Builder submitTimeout(Duration v) {
      submitTimeout = v;
      return this;
    }

    public Builder perGroupLimits(int inFlight, int queued) {
      maxInFlightPerGroup = inFlight;
      maxQueuedPerGroup = queued;
      return this;
    }

    public Builder slownessTimeout(Duration v) {
      slownessTimeout = v;
      return this;
    }

    public Builder noLeaderTimeout(Duration v) {
      noLeaderTimeout = v;
      return this;
    }

    public Builder closeThreshold(Duration v) {
      closeThreshold = v;
      return this;
    }

    public Builder grpcServerWorkers(int v) {
      grpcServerWorkers = v;
      return this;
    }

    public Builder storageMemory(long blockCache, long memtableBudget, long writeBuffer) {
      blockCacheBytes = blockCache;
      memtableBudgetBytes = memtableBudget;
      writeBufferBytes = writeBuffer;
      return this;
    }

    public RaftSettings build() {
      return new RaftSettings(
          electionTimeoutMin,
          electionTimeoutMax,
          firstElectionTimeoutMin,
          firstElectionTimeoutMax,
          maxCommandBytes,
          segmentSizeBytes,
          preallocatedBytes,
          segmentCacheNum,
          snapshotThreshold,
          purgeGap,
          purgePreservation,
          forceSyncNum,
          asyncFlush,
          writeElementLimit,
          writeByteLimit,
          retryCacheExpiry,
          clientRequestTimeout,
          submitTimeout,
          maxInFlightPerGroup,
          maxQueuedPerGroup,
          slownessTimeout,
          noLeaderTimeout,
          closeThreshold,
          grpcServerWorkers,
          blockCacheBytes,
          memtableBudgetBytes,
          writeBufferBytes);
    }
  }
}
