package io.warren.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.TermIndexProto;
import org.junit.jupiter.api.Test;

/**
 * The commit index a leader sends never reaches past what the follower will have checked against
 * the leader's log: a follower told to commit an entry it has not checked may commit a divergent
 * one, and then rejects the leader for good.
 */
class VerifiedCommitTest {
  private static LogEntryProto entry(long index) {
    return LogEntryProto.newBuilder().setTerm(2).setIndex(index).build();
  }

  @Test
  void aHeartbeatNamingNoPreviousEntryCommitsNothing() {
    AppendEntriesRequestProto heartbeat = AppendEntriesRequestProto.newBuilder().setLeaderCommit(0).build();

    assertThat(WarrenGrpc.withVerifiedCommit(heartbeat).getLeaderCommit()).isEqualTo(-1);
  }

  @Test
  void entriesFromTheStartCommitAtMostTheLastOfThem() {
    AppendEntriesRequestProto append = AppendEntriesRequestProto.newBuilder()
        .setLeaderCommit(10).addEntries(entry(0)).addEntries(entry(1)).addEntries(entry(2)).build();

    assertThat(WarrenGrpc.withVerifiedCommit(append).getLeaderCommit()).isEqualTo(2);
    assertThat(WarrenGrpc.withVerifiedCommit(append).getEntriesList()).isEqualTo(append.getEntriesList());
  }

  @Test
  void aRequestNamingItsPreviousEntryIsLeftAsRatisMadeIt() {
    AppendEntriesRequestProto heartbeat = AppendEntriesRequestProto.newBuilder()
        .setPreviousLog(TermIndexProto.newBuilder().setTerm(2).setIndex(4)).setLeaderCommit(4).build();
    AppendEntriesRequestProto lowCommit = AppendEntriesRequestProto.newBuilder()
        .setLeaderCommit(-1).addEntries(entry(0)).build();

    assertThat(WarrenGrpc.withVerifiedCommit(heartbeat)).isSameAs(heartbeat);
    assertThat(WarrenGrpc.withVerifiedCommit(lowCommit)).isSameAs(lowCommit);
  }
}
