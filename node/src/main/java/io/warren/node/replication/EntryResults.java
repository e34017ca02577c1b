package io.warren.node.replication;

import io.warren.model.Result;
import java.util.List;

/**
 * What one replicated entry did on this replica, handed to the node once the entry's batch is
 * written: the result of each command, tagged as submitted.
 *
 * @param group the group that applied it
 * @param origin the submitting node run (see {@link CommandBatch#origin()})
 * @param results one per command, in entry order
 */
public record EntryResults(String group, long origin, List<Tagged> results) {
  public EntryResults {
    results = List.copyOf(results);
  }

  /** The result of the command submitted with {@code correlation}. */
  public record Tagged(long correlation, Result result) {}
}
