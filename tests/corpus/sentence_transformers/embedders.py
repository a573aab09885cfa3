# corpus-rows: A5
"""Retrieval stack: bi-encoder embeddings plus a cross-encoder reranker."""

from sentence_transformers import CrossEncoder, SentenceTransformer, SparseEncoder

SHA = "3c363836cf4e16666669a25da280a1865c2d2874"

mini = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")  # expect: HG201@warning:"sentence-transformers/all-MiniLM-L6-v2"
nomic = SentenceTransformer("nomic-ai/nomic-embed-text-v1.5", trust_remote_code=True)  # expect: HG201@error:"nomic-ai/nomic-embed-text-v1.5" HG101@error:trust_remote_code=True
jina = SentenceTransformer("jinaai/jina-embeddings-v3", revision=SHA, model_kwargs={"trust_remote_code": True})  # expect: HG101@warning:model_kwargs=
gte = SentenceTransformer(
    "Alibaba-NLP/gte-large-en-v1.5",
    revision=SHA,
    config_kwargs={"trust_remote_code": True},  # expect: HG101@warning:config_kwargs=
)
pinned = SentenceTransformer("BAAI/bge-small-en-v1.5", revision=SHA)  # expect-clean
reranker = CrossEncoder("BAAI/bge-reranker-v2-m3")  # expect: HG201@warning:"BAAI/bge-reranker-v2-m3"
reranker_pinned = CrossEncoder("cross-encoder/ms-marco-MiniLM-L-6-v2", revision=SHA)  # expect-clean
splade = SparseEncoder("naver/splade-v3")  # expect: HG201@warning:"naver/splade-v3"
finetuned = SentenceTransformer("./output/fine-tuned-mpnet")  # expect-clean
vectors = mini.encode(["first document", "second document"])  # expect-clean
scores = reranker.predict([("query", "passage")])  # expect-clean
