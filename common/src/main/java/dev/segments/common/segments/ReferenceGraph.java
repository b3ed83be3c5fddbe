package dev.segments.common.segments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which segment refers to which (of the same entity): its cycles, which validation reports, and its
 * evaluation levels (a segment comes after every segment it refers to), which the evaluator runs
 * level by level. The one walk of the reference graph.
 */
public final class ReferenceGraph {
  private final Map<String, List<String>> edges;

  /** From explicit edges: segment id → ids it refers to. */
  public ReferenceGraph(Map<String, List<String>> edges) {
    this.edges = edges;
  }

  /** From the definitions' condition trees (references to ids not among them are left out). */
  public static ReferenceGraph of(List<SegmentDefinition> segments) {
    Set<String> ids = new HashSet<>();
    segments.forEach(s -> ids.add(s.id()));
    Map<String, List<String>> edges = new LinkedHashMap<>();
    for (SegmentDefinition s : segments) {
      edges.put(s.id(), Cond.references(s.where()).stream().filter(ids::contains).toList());
    }
    return new ReferenceGraph(edges);
  }

  /**
   * Every cycle, as the path that closes it ({@code a -> b -> a}), visiting ids in sorted order.
   */
  public List<List<String>> cycles() {
    List<List<String>> out = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (String start : new TreeSet<>(edges.keySet())) {
      cycle(start, new ArrayList<>(), new HashSet<>(), done, out);
    }
    return out;
  }

  private void cycle(
      String node,
      List<String> stack,
      Set<String> onStack,
      Set<String> done,
      List<List<String>> out) {
    if (done.contains(node)) {
      return;
    }
    if (onStack.contains(node)) {
      List<String> loop = new ArrayList<>(stack.subList(stack.indexOf(node), stack.size()));
      loop.add(node);
      out.add(loop);
      return;
    }
    onStack.add(node);
    stack.add(node);
    for (String next : edges.getOrDefault(node, List.of())) {
      cycle(next, stack, onStack, done, out);
    }
    stack.remove(stack.size() - 1);
    onStack.remove(node);
    done.add(node);
  }

  /**
   * The segments in levels: level 0 refers to none, level n only to levels below n. The graph must
   * have no cycle.
   */
  public List<List<SegmentDefinition>> levels(List<SegmentDefinition> segments) {
    Map<String, Integer> depth = new HashMap<>();
    for (SegmentDefinition s : segments) {
      depth(s.id(), depth);
    }
    int deepest = segments.stream().mapToInt(s -> depth.get(s.id())).max().orElse(-1);
    List<List<SegmentDefinition>> levels = new ArrayList<>();
    for (int d = 0; d <= deepest; d++) {
      final int level = d;
      levels.add(segments.stream().filter(s -> depth.get(s.id()) == level).toList());
    }
    return levels;
  }

  private int depth(String id, Map<String, Integer> depth) {
    Integer known = depth.get(id);
    if (known != null) {
      return known;
    }
    int d = 0;
    for (String ref : edges.getOrDefault(id, List.of())) {
      d = Math.max(d, depth(ref, depth) + 1);
    }
    depth.put(id, d);
    return d;
  }
}
