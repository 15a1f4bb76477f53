package dev.tonearm.server.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Inverted index in memory, ranked with BM25F.
 *
 * <p>Each document has three fields, weighted {@value #TITLE_WEIGHT} (title), {@value
 * #ARTIST_WEIGHT} (artist) and {@value #ALBUM_WEIGHT} (album). For each query term the field
 * frequencies are length-normalised per field, weighted, summed and then saturated once with
 * {@code k1 = }{@value #K1} and {@code b = }{@value #B}, as in BM25F (Robertson, Zaragoza and
 * Taylor, "Simple BM25 extension to multiple weighted fields", CIKM 2004). The IDF is {@code ln(1
 * + (N - df + 0.5) / (df + 0.5))} over the live documents.
 *
 * <p>A query term matches, in order of preference: itself (factor 1), an indexed term within the
 * allowed edit distance ({@link TypoMatcher}; factor {@value #ONE_EDIT_FACTOR} at distance 1 and
 * {@value #TWO_EDITS_FACTOR} at distance 2) and, for the last query term only, up to {@value
 * #MAX_PREFIX_EXPANSIONS} indexed terms that it starts (factor {@value #PREFIX_FACTOR}). Each
 * query term adds its best match per document. When the query term itself is indexed, the IDF of
 * its typo and prefix matches is capped at its own, so a rare neighbour never outranks it. A document that matches m of n query terms keeps
 * {@code (m / n)^2} of its score, so partial matches rank below full ones. The score is then
 * multiplied by {@value #EXACT_TITLE_BOOST} when the title's tokens equal the query's, by {@value
 * #TITLE_PREFIX_BOOST} when the title starts with the query (the last term may be unfinished), or
 * by {@value #PHRASE_BOOST} when a field contains the query's terms of two or more as a phrase.
 * Ties are broken by type, title and id, so the order is stable.
 *
 * <p>Replacing or removing a document marks its postings dead; they are skipped when scoring and
 * dropped once dead documents outnumber live ones. Terms stay in the vocabulary after their last
 * document is gone, but a term without live documents matches nothing and is not completed.
 *
 * <p>Thread-safe: searches share a read lock and changes take the write lock.
 */
public final class InMemorySearchIndex implements SearchIndex {
  static final double TITLE_WEIGHT = 3.0;
  static final double ARTIST_WEIGHT = 2.0;
  static final double ALBUM_WEIGHT = 1.0;
  static final double K1 = 1.2;
  static final double B = 0.75;
  static final double ONE_EDIT_FACTOR = 0.6;
  static final double TWO_EDITS_FACTOR = 0.4;
  static final double PREFIX_FACTOR = 0.5;
  static final int MAX_PREFIX_EXPANSIONS = 16;
  static final double EXACT_TITLE_BOOST = 2.0;
  static final double TITLE_PREFIX_BOOST = 1.5;
  static final double PHRASE_BOOST = 1.3;
  static final int MAX_CONTEXT_DOCUMENTS = 5000;

  /** Index of the title in the per-field arrays, which are ordered title, artist, album. */
  private static final int TITLE = 0;
  private static final double[] FIELD_WEIGHTS = {TITLE_WEIGHT, ARTIST_WEIGHT, ALBUM_WEIGHT};

  private static final Comparator<Scored> RANKING =
      Comparator.comparingDouble(Scored::score)
          .reversed()
          .thenComparing(scored -> scored.document().type())
          .thenComparing(scored -> scored.document().title())
          .thenComparing(scored -> scored.document().id());

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicLong generation = new AtomicLong();

  // Guarded by lock.
  private final List<String> terms = new ArrayList<>();
  private final Map<String, Integer> termIds = new HashMap<>();
  private final List<TermPostings> postings = new ArrayList<>();
  private final List<IndexedDocument> documents = new ArrayList<>();
  private final Map<String, Integer> ordinalsByKey = new HashMap<>();
  private final TypoMatcher typoMatcher = new TypoMatcher();
  private final long[] fieldLengthSums = new long[3];
  private int liveCount;
  private int deadCount;

  /** Rebuilt on demand once {@link #generation} moves past the snapshot's generation. */
  private volatile CompletionSnapshot completions = new CompletionSnapshot(-1, null);

  @Override
  public void upsert(SearchDocument document) {
    lock.writeLock().lock();
    try {
      String key = key(document.type(), document.id());
      Integer previous = ordinalsByKey.get(key);
      if (previous != null) {
        kill(previous);
      }
      int ordinal = documents.size();
      IndexedDocument indexed = new IndexedDocument(document);
      documents.add(indexed);
      ordinalsByKey.put(key, ordinal);
      addPostings(ordinal, indexed);
      liveCount++;
      compactIfNeeded();
      generation.incrementAndGet();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void remove(SearchType type, String id) {
    lock.writeLock().lock();
    try {
      Integer ordinal = ordinalsByKey.remove(key(type, id));
      if (ordinal != null) {
        kill(ordinal);
        compactIfNeeded();
        generation.incrementAndGet();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public SearchResult search(SearchQuery query) {
    List<String> queryTerms = TextNormalizer.tokenize(query.text());
    if (queryTerms.isEmpty()) {
      return new SearchResult(List.of(), 0);
    }
    CompletionTable completionTable = completionTable();
    lock.readLock().lock();
    try {
      // NOTE: every posting of every matched term is scored, with no top-k pruning such as
      // MaxScore, so a query with words like "the" costs milliseconds on 10,000 tracks.
      Map<Integer, double[]> termScores = new HashMap<>();
      int n = queryTerms.size();
      for (int i = 0; i < n; i++) {
        boolean last = i == n - 1;
        List<Alternative> alternatives = alternatives(queryTerms.get(i), last, completionTable);
        // A typo or completion of a common word is often a rarer word with a higher IDF. Capping
        // its IDF at the exact term's keeps it from outranking the word itself.
        double idfCap = Double.POSITIVE_INFINITY;
        if (!alternatives.isEmpty() && alternatives.get(0).factor() == 1.0) {
          idfCap = idf(postings.get(alternatives.get(0).termId()));
        }
        for (Alternative alternative : alternatives) {
          scoreTerm(alternative, idfCap, i, n, query, termScores);
        }
      }
      List<Scored> ranked = new ArrayList<>(termScores.size());
      for (Map.Entry<Integer, double[]> entry : termScores.entrySet()) {
        IndexedDocument indexed = documents.get(entry.getKey());
        double score = combine(entry.getValue()) * boost(indexed, queryTerms);
        ranked.add(new Scored(indexed.document, score));
      }
      ranked.sort(RANKING);
      int from = Math.min(query.offset(), ranked.size());
      int to = (int) Math.min((long) from + query.limit(), ranked.size());
      List<SearchHit> hits = new ArrayList<>(to - from);
      for (Scored scored : ranked.subList(from, to)) {
        hits.add(new SearchHit(scored.document(), scored.score()));
      }
      return new SearchResult(hits, ranked.size());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<Suggestion> suggest(String query, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1: " + limit);
    }
    List<String> queryTerms = TextNormalizer.tokenize(query);
    if (queryTerms.isEmpty() || !TextNormalizer.endsInsideTerm(query)) {
      return List.of();
    }
    String unfinished = queryTerms.get(queryTerms.size() - 1);
    String finished = String.join(" ", queryTerms.subList(0, queryTerms.size() - 1));
    CompletionTable completionTable = completionTable();
    Set<String> completions = new LinkedHashSet<>();
    if (queryTerms.size() > 1) {
      completions.addAll(
          contextualCompletions(queryTerms.subList(0, queryTerms.size() - 1), unfinished, limit));
    }
    if (completions.size() < limit) {
      completions.addAll(completionTable.complete(unfinished, limit));
    }
    List<Suggestion> suggestions = new ArrayList<>();
    for (String term : completions) {
      if (suggestions.size() == limit) {
        break;
      }
      String text = finished.isEmpty() ? term : finished + " " + term;
      suggestions.add(new Suggestion(text, term));
    }
    return suggestions;
  }

  /**
   * Returns up to {@code limit} completions of {@code unfinished} found in documents that contain
   * every finished term, weighted by the field they occur in and summed over documents. At most
   * {@value #MAX_CONTEXT_DOCUMENTS} documents are read, starting from the rarest finished term.
   */
  private List<String> contextualCompletions(
      List<String> finishedTerms, String unfinished, int limit) {
    lock.readLock().lock();
    try {
      int[] finishedIds = new int[finishedTerms.size()];
      TermPostings rarest = null;
      for (int i = 0; i < finishedIds.length; i++) {
        Integer termId = termIds.get(finishedTerms.get(i));
        if (termId == null) {
          return List.of();
        }
        finishedIds[i] = termId;
        TermPostings candidate = postings.get(termId);
        if (rarest == null || candidate.size < rarest.size) {
          rarest = candidate;
        }
      }
      Map<String, Double> weights = new HashMap<>();
      int read = 0;
      for (int p = 0; p < rarest.size && read < MAX_CONTEXT_DOCUMENTS; p++) {
        IndexedDocument indexed = documents.get(rarest.postings[p].ordinal());
        if (!indexed.live || !containsAll(indexed.termIds, finishedIds)) {
          continue;
        }
        read++;
        for (int field = 0; field < 3; field++) {
          for (String token : indexed.fieldTokens.get(field)) {
            if (token.startsWith(unfinished)) {
              weights.merge(token, FIELD_WEIGHTS[field], Double::sum);
            }
          }
        }
      }
      List<String> ranked = new ArrayList<>(weights.keySet());
      ranked.sort(
          Comparator.comparingDouble((String term) -> -weights.get(term))
              .thenComparing(Comparator.naturalOrder()));
      return ranked.subList(0, Math.min(limit, ranked.size()));
    } finally {
      lock.readLock().unlock();
    }
  }

  private static boolean containsAll(int[] sortedTermIds, int[] required) {
    for (int termId : required) {
      if (Arrays.binarySearch(sortedTermIds, termId) < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public long generation() {
    return generation.get();
  }

  @Override
  public int size() {
    lock.readLock().lock();
    try {
      return liveCount;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Number of distinct indexed terms, including terms whose documents are all gone. */
  public int termCount() {
    lock.readLock().lock();
    try {
      return terms.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  private static String key(SearchType type, String id) {
    return type.name() + '\u0000' + id;
  }

  private void addPostings(int ordinal, IndexedDocument indexed) {
    Map<Integer, int[]> frequencies = new LinkedHashMap<>();
    for (int field = 0; field < 3; field++) {
      for (String token : indexed.fieldTokens.get(field)) {
        int termId = termId(token);
        frequencies.computeIfAbsent(termId, unused -> new int[3])[field]++;
      }
      fieldLengthSums[field] += indexed.fieldTokens.get(field).size();
    }
    indexed.termIds = new int[frequencies.size()];
    int next = 0;
    for (Map.Entry<Integer, int[]> entry : frequencies.entrySet()) {
      TermPostings termPostings = postings.get(entry.getKey());
      termPostings.add(new Posting(ordinal, entry.getValue()));
      termPostings.liveDocumentFrequency++;
      termPostings.weight += completionWeight(entry.getValue());
      indexed.termIds[next++] = entry.getKey();
    }
    Arrays.sort(indexed.termIds);
  }

  private void kill(int ordinal) {
    IndexedDocument indexed = documents.get(ordinal);
    indexed.live = false;
    for (int field = 0; field < 3; field++) {
      fieldLengthSums[field] -= indexed.fieldTokens.get(field).size();
    }
    for (int termId : indexed.termIds) {
      TermPostings termPostings = postings.get(termId);
      termPostings.liveDocumentFrequency--;
      termPostings.weight -= completionWeight(termPostings.frequencies(ordinal));
    }
    liveCount--;
    deadCount++;
  }

  /**
   * Drops the postings of dead documents once they outnumber the live ones.
   *
   * <p>NOTE: a dead document keeps its slot in {@link #documents}, with its tokens, so memory
   * grows with every replacement until the index is rebuilt.
   */
  private void compactIfNeeded() {
    if (deadCount <= Math.max(liveCount, 64)) {
      return;
    }
    for (TermPostings termPostings : postings) {
      termPostings.removeDead(documents);
    }
    deadCount = 0;
  }

  /** Weight of a term for completion: the heaviest field it occurs in, summed over documents. */
  private static double completionWeight(int[] fieldFrequencies) {
    for (int field = 0; field < 3; field++) {
      if (fieldFrequencies[field] > 0) {
        return FIELD_WEIGHTS[field];
      }
    }
    return 0;
  }

  private int termId(String token) {
    Integer existing = termIds.get(token);
    if (existing != null) {
      return existing;
    }
    int termId = terms.size();
    terms.add(token);
    termIds.put(token, termId);
    postings.add(new TermPostings());
    typoMatcher.add(token, termId);
    return termId;
  }

  private List<Alternative> alternatives(
      String queryTerm, boolean last, CompletionTable completionTable) {
    List<Alternative> alternatives = new ArrayList<>();
    Integer exact = termIds.get(queryTerm);
    if (exact != null) {
      alternatives.add(new Alternative(exact, 1.0));
    }
    for (TypoMatcher.Match match : typoMatcher.find(queryTerm, terms)) {
      if (match.distance() == 1) {
        alternatives.add(new Alternative(match.termId(), ONE_EDIT_FACTOR));
      } else if (match.distance() == 2) {
        alternatives.add(new Alternative(match.termId(), TWO_EDITS_FACTOR));
      }
    }
    if (last) {
      for (String completion : completionTable.complete(queryTerm, MAX_PREFIX_EXPANSIONS + 1)) {
        if (!completion.equals(queryTerm)) {
          alternatives.add(new Alternative(termIds.get(completion), PREFIX_FACTOR));
        }
      }
    }
    return alternatives;
  }

  private double idf(TermPostings termPostings) {
    int documentFrequency = termPostings.liveDocumentFrequency;
    return Math.log(1 + (liveCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  private void scoreTerm(
      Alternative alternative,
      double idfCap,
      int queryTermIndex,
      int queryTermCount,
      SearchQuery query,
      Map<Integer, double[]> termScores) {
    TermPostings termPostings = postings.get(alternative.termId());
    if (termPostings.liveDocumentFrequency == 0) {
      return;
    }
    double idf = Math.min(idf(termPostings), idfCap);
    for (int p = 0; p < termPostings.size; p++) {
      Posting posting = termPostings.postings[p];
      IndexedDocument indexed = documents.get(posting.ordinal());
      if (!indexed.live || !query.types().contains(indexed.document.type())) {
        continue;
      }
      double weightedFrequency = 0;
      for (int field = 0; field < 3; field++) {
        int frequency = posting.fieldFrequencies()[field];
        if (frequency == 0) {
          continue;
        }
        double averageLength = (double) fieldLengthSums[field] / liveCount;
        double lengthNorm =
            1 - B + B * indexed.fieldTokens.get(field).size() / Math.max(averageLength, 1e-9);
        weightedFrequency += FIELD_WEIGHTS[field] * frequency / lengthNorm;
      }
      double score =
          alternative.factor() * idf * weightedFrequency * (K1 + 1) / (weightedFrequency + K1);
      double[] scores =
          termScores.computeIfAbsent(posting.ordinal(), unused -> new double[queryTermCount]);
      scores[queryTermIndex] = Math.max(scores[queryTermIndex], score);
    }
  }

  private static double combine(double[] termScores) {
    double sum = 0;
    int matched = 0;
    for (double score : termScores) {
      if (score > 0) {
        sum += score;
        matched++;
      }
    }
    double coverage = (double) matched / termScores.length;
    return sum * coverage * coverage;
  }

  private static double boost(IndexedDocument indexed, List<String> queryTerms) {
    List<String> title = indexed.fieldTokens.get(TITLE);
    if (title.equals(queryTerms)) {
      return EXACT_TITLE_BOOST;
    }
    if (startsWith(title, queryTerms)) {
      return TITLE_PREFIX_BOOST;
    }
    if (queryTerms.size() >= 2) {
      for (List<String> field : indexed.fieldTokens) {
        if (Collections.indexOfSubList(field, queryTerms) >= 0) {
          return PHRASE_BOOST;
        }
      }
    }
    return 1.0;
  }

  /** Returns whether {@code field} starts with {@code queryTerms}, the last possibly unfinished. */
  private static boolean startsWith(List<String> field, List<String> queryTerms) {
    int n = queryTerms.size();
    if (field.size() < n) {
      return false;
    }
    for (int i = 0; i < n - 1; i++) {
      if (!field.get(i).equals(queryTerms.get(i))) {
        return false;
      }
    }
    return field.get(n - 1).startsWith(queryTerms.get(n - 1));
  }

  private CompletionTable completionTable() {
    CompletionSnapshot snapshot = completions;
    long current = generation.get();
    if (snapshot.generation == current) {
      return snapshot.table;
    }
    lock.writeLock().lock();
    try {
      snapshot = completions;
      current = generation.get();
      if (snapshot.generation != current) {
        double[] weights = new double[terms.size()];
        for (int i = 0; i < weights.length; i++) {
          weights[i] = postings.get(i).weight;
        }
        snapshot = new CompletionSnapshot(current, new CompletionTable(terms, weights));
        completions = snapshot;
      }
      return snapshot.table;
    } finally {
      lock.writeLock().unlock();
    }
  }

  private record CompletionSnapshot(long generation, CompletionTable table) {}

  private record Alternative(int termId, double factor) {}

  private record Scored(SearchDocument document, double score) {}

  /** Occurrences of one term in one document, per field. */
  private record Posting(int ordinal, int[] fieldFrequencies) {}

  /** The postings of one term in insertion order, with the term's live statistics. */
  private static final class TermPostings {
    Posting[] postings = new Posting[1];
    int size;
    int liveDocumentFrequency;
    double weight;

    void add(Posting posting) {
      if (size == postings.length) {
        postings = Arrays.copyOf(postings, size * 2);
      }
      postings[size++] = posting;
    }

    int[] frequencies(int ordinal) {
      for (int i = size - 1; i >= 0; i--) {
        if (postings[i].ordinal() == ordinal) {
          return postings[i].fieldFrequencies();
        }
      }
      throw new IllegalStateException("no posting for document " + ordinal);
    }

    void removeDead(List<IndexedDocument> documents) {
      int kept = 0;
      for (int i = 0; i < size; i++) {
        if (documents.get(postings[i].ordinal()).live) {
          postings[kept++] = postings[i];
        }
      }
      Arrays.fill(postings, kept, size, null);
      size = kept;
    }
  }

  /** A document with its normalised fields. */
  private static final class IndexedDocument {
    final SearchDocument document;
    final List<List<String>> fieldTokens;
    int[] termIds;
    boolean live = true;

    IndexedDocument(SearchDocument document) {
      this.document = document;
      this.fieldTokens =
          List.of(
              TextNormalizer.tokenize(document.title()),
              TextNormalizer.tokenize(document.artist()),
              TextNormalizer.tokenize(document.album()));
    }
  }
}
