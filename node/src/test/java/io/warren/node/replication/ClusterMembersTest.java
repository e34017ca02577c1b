package io.warren.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.raft.CommandRejectedException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterMembersTest {
  private final ClusterMembers formed =
      ClusterMembers.NONE.apply(new MembershipChange.Form(List.of("a", "b", "c"), 6));

  @Test
  void foundersAreNumberedInTheirOrderAndASecondFormChangesNothing() {
    assertThat(formed.indexes()).containsEntry("a", 0).containsEntry("b", 1).containsEntry("c", 2);
    assertThat(formed.partitions()).isEqualTo(6);
    assertThat(formed.apply(new MembershipChange.Form(List.of("x", "y"), 4))).isEqualTo(formed);
  }

  @Test
  void onlyAnAdmittedNodeJoinsAndARemovedNodesIndexIsNeverHandedOutAgain() {
    assertThatThrownBy(() -> formed.apply(new MembershipChange.Join("d")))
        .isInstanceOf(CommandRejectedException.class)
        .hasMessageContaining("warrenctl add_member d");
    ClusterMembers withD = formed.apply(new MembershipChange.Admit("d")).apply(new MembershipChange.Join("d"));
    assertThat(withD.indexOf("d")).contains(3);
    assertThat(withD.admitted()).isEmpty();
    assertThat(withD.apply(new MembershipChange.Join("d"))).isEqualTo(withD); // a retried join

    ClusterMembers withoutD = withD.apply(new MembershipChange.Leave("d"));
    ClusterMembers withE = withoutD.apply(new MembershipChange.Admit("e")).apply(new MembershipChange.Join("e"));
    assertThat(withE.indexOf("e")).contains(4);
    assertThat(withE.indexOf("d")).isEmpty();
  }

  @Test
  void refusesWhatCannotBeDone() {
    assertThatThrownBy(() -> ClusterMembers.NONE.apply(new MembershipChange.Admit("d")))
        .isInstanceOf(CommandRejectedException.class).hasMessageContaining("not formed");
    assertThatThrownBy(() -> formed.apply(new MembershipChange.Leave("z")))
        .isInstanceOf(CommandRejectedException.class).hasMessageContaining("not a member");
    ClusterMembers one = ClusterMembers.NONE.apply(new MembershipChange.Form(List.of("a"), 2));
    assertThatThrownBy(() -> one.apply(new MembershipChange.Leave("a")))
        .isInstanceOf(CommandRejectedException.class).hasMessageContaining("last member");
  }

  @Test
  void registryAndChangesSurviveTheirEncoding() {
    ClusterMembers registry = formed.apply(new MembershipChange.Admit("d"));
    assertThat(ClusterMembers.decode(registry.encode())).isEqualTo(registry);
    for (MembershipChange change : List.of(new MembershipChange.Form(List.of("a", "b"), 4),
        new MembershipChange.Admit("d"), new MembershipChange.Join("d"), new MembershipChange.Leave("d"))) {
      byte[] bytes = change.encode();
      assertThat(MembershipChange.isMembership(bytes)).isTrue();
      assertThat(MembershipChange.decode(bytes)).isEqualTo(change);
    }
    assertThat(MembershipChange.isMembership(new CommandBatch(1, 0, List.of()).encode())).isFalse();
  }
}
