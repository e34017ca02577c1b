package io.warren.model;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Topic bindings in a trie of words. "*" matches exactly one word and "#" zero or more, so a
 * routing key is matched by walking the trie (branching at "*" and "#" nodes) rather than testing
 * every binding pattern.
 */
final class TopicTrie implements BindingIndex {
  private static final String STAR = "*";
  private static final String HASH = "#";

  private static final class Node {
    final Map<String, Node> children = new HashMap<>();
    final Set<Binding> bindings = new LinkedHashSet<>();

    boolean isEmpty() {
      return children.isEmpty() && bindings.isEmpty();
    }
  }

  private final Node root = new Node();

  @Override
  public void add(Binding b) {
    Node node = root;
    for (String w : BindingIndex.words(b.routingKey())) {
      node = node.children.computeIfAbsent(w, k -> new Node());
    }
    node.bindings.add(b);
  }

  @Override
  public void remove(Binding b) {
    remove(root, BindingIndex.words(b.routingKey()), 0, b);
  }

  /** Removes the binding and prunes nodes left empty on the way back up. */
  private static void remove(Node node, List<String> words, int i, Binding b) {
    if (i == words.size()) {
      node.bindings.remove(b);
      return;
    }
    Node child = node.children.get(words.get(i));
    if (child == null) {
      return;
    }
    remove(child, words, i + 1, b);
    if (child.isEmpty()) {
      node.children.remove(words.get(i));
    }
  }

  @Override
  public void match(String routingKey, Arguments headers, Consumer<Binding> sink) {
    match(root, BindingIndex.words(routingKey), 0, sink);
  }

  private static void match(Node node, List<String> words, int i, Consumer<Binding> sink) {
    Node hash = node.children.get(HASH);
    if (hash != null) {
      // "#" swallows zero or more words: try every remaining suffix.
      for (int j = i; j <= words.size(); j++) {
        match(hash, words, j, sink);
      }
    }
    if (i == words.size()) {
      for (Binding b : node.bindings) {
        sink.accept(b);
      }
      return;
    }
    String word = words.get(i);
    if (!word.equals(STAR) && !word.equals(HASH)) {
      Node exact = node.children.get(word);
      if (exact != null) {
        match(exact, words, i + 1, sink);
      }
    }
    Node star = node.children.get(STAR);
    if (star != null) {
      match(star, words, i + 1, sink);
    }
  }
}
