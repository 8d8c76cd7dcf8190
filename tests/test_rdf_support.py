"""The tests' graph comparison agrees with rdflib's on what isomorphism means."""

import rdflib
from rdflib.compare import isomorphic as rdflib_isomorphic

from rdf_support import isomorphic

DATA = """@prefix : <urn:x:> .
:a :p [ :q "1" ; :r [ :q "2" ] ] , [ :q "1" ] .
"""


def test_blank_nodes_renamed_are_the_same_graph_and_a_changed_literal_is_not():
    a = rdflib.Graph().parse(data=DATA, format="turtle")
    b = rdflib.Graph().parse(data=a.serialize(format="nt"), format="nt")  # new blank node ids
    assert isomorphic(a, b) and rdflib_isomorphic(a, b)
    c = rdflib.Graph().parse(data=DATA.replace('"2"', '"3"'), format="turtle")
    assert not isomorphic(a, c) and not rdflib_isomorphic(a, c)
    d = rdflib.Graph().parse(data=DATA.replace(', [ :q "1" ]', ""), format="turtle")
    assert not isomorphic(a, d) and not rdflib_isomorphic(a, d)
