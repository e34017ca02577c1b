package io.warren.raft;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys.Log;
import org.apache.ratis.server.RaftServerConfigKeys.Snapshot;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Turns {@link RaftSettings} into Ratis properties. Every choice here follows the "Recommended
 * setup" of shared/notes/ratis-guide.md; the comments say why where it is not obvious.
 */
final class RatisConfig {
  /** Room for our envelope and the log entry's protobuf framing around the largest command. */
  private static final long ENTRY_OVERHEAD = 64 << 10;

  private RatisConfig() {}

  /** Largest Raft entry (and AppendEntries batch) in bytes. */
  static long appendBufferBytes(RaftSettings s) {
    return s.maxCommandBytes() + ENTRY_OVERHEAD;
  }

  static RaftProperties properties(RaftNodeConfig config, File storageDir, File removedGroupsDir) {
    RaftSettings s = config.settings();
    RaftProperties p = new RaftProperties();
    // gRPC, with log appenders that push each new commit index to followers at once and requests
    // handled on the event loop (WarrenGrpc).
    RaftConfigKeys.Rpc.setType(p, new WarrenGrpc());

    // Transport. The port must be explicit (default 0 = random); client and admin fall back to it.
    GrpcConfigKeys.Server.setPort(p, RaftNodeConfig.port(config.address()));
    GrpcConfigKeys.Server.setHost(
        p, config.bindHost() != null ? config.bindHost() : RaftNodeConfig.host(config.address()));
    if (s.grpcServerWorkers() > 0) {
      GrpcConfigKeys.Server.setWorkerGroupSize(p, s.grpcServerWorkers());
    }
    // Ratis refuses to start unless the gRPC message limit is at least the append buffer + 1MB.
    long appendBuffer = appendBufferBytes(s);
    GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(appendBuffer + (2L << 20)));
    GrpcConfigKeys.setFlowControlWindow(p, SizeInBytes.valueOf(4L << 20));

    // Storage: one directory, groups persist in it and are recovered at start.
    RaftServerConfigKeys.setStorageDir(p, List.of(storageDir));
    RaftServerConfigKeys.setRemovedGroupsDir(p, removedGroupsDir);

    // Elections: JVM-friendly timeouts instead of Ratis's 150/300 ms.
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, td(s.electionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, td(s.electionTimeoutMax()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, td(s.firstElectionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, td(s.firstElectionTimeoutMax()));
    RaftServerConfigKeys.Rpc.setSlownessTimeout(p, td(s.slownessTimeout()));
    RaftServerConfigKeys.Notification.setNoLeaderTimeout(p, td(s.noLeaderTimeout()));
    RaftServerConfigKeys.setCloseThreshold(p, td(s.closeThreshold()));

    // Log: segment sizes, group commit, no unsafe flush.
    Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.segmentSizeBytes()));
    Log.setPreallocatedSize(p, SizeInBytes.valueOf(s.preallocatedBytes()));
    Log.setSegmentCacheNumMax(p, s.segmentCacheNum());
    Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(appendBuffer));
    Log.setWriteBufferSize(p, SizeInBytes.valueOf(appendBuffer + (1L << 20)));
    Log.Appender.setSnapshotChunkSizeMax(p, SizeInBytes.valueOf(appendBuffer));
    Log.setForceSyncNum(p, s.forceSyncNum());
    Log.setUnsafeFlushEnabled(p, false);
    Log.setAsyncFlushEnabled(p, s.asyncFlush());
    // No commit-index entry after each commit: WarrenGrpc tells followers of a commit with
    // an empty AppendEntries instead, which needs no write, fsync or apply (docs/benchmarks.md).
    Log.setLogMetadataEnabled(p, false);
    Log.setAppendEntriesComposeEnabled(p, false);
    Log.setCorruptionPolicy(p, Log.CorruptionPolicy.EXCEPTION);
    // The appender's pause between attempts after consecutive errors: Ratis' default goes up to
    // 5 s after 30. A rejoining follower with a divergent tail (it led, or took entries, while cut
    // off) answers INCONSISTENCY, which counts as an error, and the leader steps back one index
    // per answer: after a partition had already run the count past 30, that was one index per 5 s
    // (seen in a CI run's logs: 64, 63, 62, 61 over 13 s), minutes to converge. At most 1 s here;
    // a dead follower costs one failed attempt per second and group. The count is large because
    // once it is exceeded the policy stops pausing at all.
    Log.Appender.setRetryPolicy(p, "1ms,10, 1s,1000000");

    // Snapshots (RocksDB checkpoints) and purge: purge up to the snapshot even if a follower is
    // down, so one dead node cannot fill the disk; it catches up by snapshot install instead.
    Snapshot.setAutoTriggerEnabled(p, true);
    Snapshot.setAutoTriggerThreshold(p, s.snapshotThreshold());
    Snapshot.setRetentionFileNum(p, 2);
    // The live store is durable on its own: a snapshot at stop would only slow shutdown down.
    Snapshot.setTriggerWhenStopEnabled(p, false);
    Log.setPurgeUptoSnapshotIndex(p, true);
    Log.setPurgeGap(p, s.purgeGap());
    Log.setPurgePreservationLogNum(p, s.purgePreservation());
    Log.Appender.setInstallSnapshotEnabled(p, true);

    // Back-pressure, retries, reads.
    RaftServerConfigKeys.Write.setElementLimit(p, s.writeElementLimit());
    RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf(s.writeByteLimit()));
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, td(s.retryCacheExpiry()));
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.DEFAULT);

    // Client side (forwarding commands to a remote leader): per-attempt timeout.
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, td(s.clientRequestTimeout()));
    return p;
  }

  static TimeDuration td(Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }
}
