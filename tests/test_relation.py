import pytest

from rag.relation import Relation, names_both, one_side, relation_asked


@pytest.mark.parametrize("question, first, second, ask", [
    ("How does generative AI relate to agentic AI?", "generative AI", "agentic AI", "related"),
    ("How is a workflow different from an agent?", "workflow", "agent", "differ"),
    ("How are RAG and tool-augmented chatbots related?", "RAG", "tool-augmented chatbots", "related"),
    ("What's the difference between workflows and agents, according to Anthropic?", "workflows", "agents", "differ"),
    ("How does the second chatbot connect to the HR management system?", "second chatbot", "HR management system",
     "related"),
    # the second thing ends where the question goes on
    ("How does the RAG chatbot compare to the agent in terms of cost?", "RAG chatbot", "agent", "differ"),
    ("How was the difference between workflows and agents explained?", "workflows", "agents", "differ"),
    ("What is the difference between a workflow and an agent according to Anthropic?", "workflow", "agent", "differ"),
])
def test_a_question_about_how_two_things_relate_names_both(question, first, second, ask):
    relation = relation_asked(question)
    assert (relation.first, relation.second) == (first, second) and ask in relation.ask


@pytest.mark.parametrize("question", ["How does the router work?", "What is agentic AI?", "How do they differ?",
                                      "What is the difference between an AI agent and agentic AI?",
                                      "How are workflows and agents built in n8n, and how are they related?"])
def test_other_questions_ask_no_relation(question):
    assert relation_asked(question) is None


def test_an_answer_naming_one_of_the_two_leaves_the_other_unsaid():
    r = Relation("RAG chatbot", "AI agent")
    assert one_side(r, "A rack based chatboard pulls answers from PDF files.") == "AI agent"  # misheard, still named
    assert one_side(r, "An AI agent plans its steps.") == "RAG chatbot"
    assert one_side(r, "It is simpler.") is None and not names_both(r, "It is simpler.")
    assert names_both(r, "Unlike an AI agent, a RAG chatbot follows fixed steps.")
