package io.warren.raft;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A Raft group: a stable name, its member nodes, and optionally the node that should lead it.
 *
 * @param name stable name; the Raft group id is derived from it, so every node agrees
 * @param members ids of the member nodes (each must be in the node's peer list)
 * @param preferredLeader a member that gets a higher election priority (leaders are then spread
 *     across nodes by giving groups different preferred leaders), or null
 */
public record GroupSpec(String name, List<String> members, String preferredLeader) {
  public GroupSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("group name is blank");
    }
    members = List.copyOf(members);
    if (members.isEmpty() || members.stream().distinct().count() != members.size()) {
      throw new IllegalArgumentException("group " + name + " needs distinct members: " + members);
    }
    if (preferredLeader != null && !members.contains(preferredLeader)) {
      throw new IllegalArgumentException(
          "preferred leader " + preferredLeader + " of group " + name + " is not a member");
    }
  }

  public GroupSpec(String name, List<String> members) {
    this(name, members, null);
  }

  /** The Raft group id: {@code UUID.nameUUIDFromBytes(name)}. */
  public UUID groupId() {
    return groupIdOf(name);
  }

  static UUID groupIdOf(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }
}
