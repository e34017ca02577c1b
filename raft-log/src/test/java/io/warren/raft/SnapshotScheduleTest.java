package io.warren.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replicas of a group take their snapshots one interval apart each, at different points of the
 * log, so that no two of them hold up their applies for a checkpoint at the same time.
 */
class SnapshotScheduleTest {
  private static final List<String> NODES = List.of("n3", "n1", "n2");

  /** The indexes at which a replica applying one entry at a time takes its snapshots. */
  private static List<Long> snapshotsUpTo(SnapshotSchedule schedule, long lastIndex) {
    List<Long> taken = new ArrayList<>();
    long latest = -1;
    for (long applied = 0; applied <= lastIndex; applied++) {
      if (schedule.due(applied, latest)) {
        taken.add(applied);
        latest = applied;
      }
    }
    return taken;
  }

  @Test
  void eachNodeTakesItsSnapshotsOneIntervalApartAtItsOwnPlace() {
    assertThat(snapshotsUpTo(SnapshotSchedule.of(3000, "n1", NODES), 10_000))
        .containsExactly(3000L, 6000L, 9000L);
    assertThat(snapshotsUpTo(SnapshotSchedule.of(3000, "n2", NODES), 10_000))
        .containsExactly(4000L, 7000L, 10_000L);
    assertThat(snapshotsUpTo(SnapshotSchedule.of(3000, "n3", NODES), 10_000))
        .containsExactly(5000L, 8000L);
  }

  @Test
  void aSnapshotTakenLateBringsTheNextOnesBackOntoThePhase() {
    SnapshotSchedule n2 = SnapshotSchedule.of(3000, "n2", NODES);

    // Applies come in batches: the snapshot due at 4000 was taken at 4200. Ratis asks again from
    // 7200 on; the next one waits for 10000, and the one after comes at 13000.
    assertThat(n2.nextAfter(4200)).isEqualTo(10_000);
    assertThat(n2.due(9999, 4200)).isFalse();
    assertThat(n2.due(10_000, 4200)).isTrue();
    assertThat(n2.nextAfter(10_000)).isEqualTo(13_000);
  }

  @Test
  void theStoreStartsFlushingAnEighthOfAnIntervalAheadOfTheSnapshot() {
    SnapshotSchedule n1 = SnapshotSchedule.of(8000, "n1", NODES);

    assertThat(n1.nextAfter(8000)).isEqualTo(16_000);
    assertThat(n1.flushFrom(8000)).isEqualTo(15_000);
  }

  @Test
  void aNodeAloneOrNotInTheListTakesThemFromTheStart() {
    assertThat(snapshotsUpTo(SnapshotSchedule.of(10, "n1", List.of("n1")), 30))
        .containsExactly(10L, 20L, 30L);
    assertThat(SnapshotSchedule.of(10, "n9", NODES).phase()).isZero();
  }
}
