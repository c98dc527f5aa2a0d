# cython: language_level=3, boundscheck=False, wraparound=False
# cython: embedsignature=True, autotestdict=False
"""The compiled XML kernel: the fields of a status report's ``MSG`` elements, read from
lxml's tree through lxml's public C API (``etreepublic.pxd``), no element proxies made.

Its twin, ``_xmltree_py.py``, walks the same tree through the element API and gives the
same dicts. Both use lxml's own functions for what they read: attributes
(``collectAttributes``), text (``textOf``, the element's ``.text``). Keys are lower case;
an element with child elements becomes a nested dict, a leaf its text stripped.
"""

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree

from lxml import etree  # the C API below needs the module imported

# lxml's element layout is read as the headers this was built with describe it: refuse to run
# on an lxml of another major version rather than risk reading it wrong.
BUILT_WITH_LXML = (<bytes>cetree.LXML_VERSION_STRING).decode("ascii")
if BUILT_WITH_LXML.split(".")[0] != etree.__version__.split(".")[0]:
    raise ImportError(f"cmcore._xmltree was built with lxml {BUILT_WITH_LXML} and lxml "
                      f"{etree.__version__} is installed: reinstall cmcore")

cetree.import_lxml__etree()


cdef inline object fold(str name):
    """``name.lower()``, without a call where ``name`` is ASCII with no capital letter."""
    cdef Py_UCS4 c
    if name.isascii():
        for c in name:
            if u"A" <= c <= u"Z":
                return name.lower()
        return name
    return name.lower()


cdef object element_fields(cetree._Document doc, tree.xmlNode* c_node):
    """The fields of one element, or ``(tag, line)`` of a child whose key is given twice."""
    cdef dict fields = {}
    cdef tree.xmlNode* c_child = c_node.children
    for key, value in cetree.collectAttributes(c_node, 3):
        fields[(<str>key).lower()] = value
    while c_child is not NULL:
        if c_child.type == tree.XML_ELEMENT_NODE:
            key = fold(cetree.pyunicode(c_child.name))
            if key in fields:
                twice = cetree.elementFactory(doc, c_child)  # an error: lxml says which line
                return twice.tag, twice.sourceline
            if cetree.hasChild(c_child):
                value = element_fields(doc, c_child)
                if type(value) is tuple:
                    return value
            else:
                text = cetree.textOf(c_child)
                value = (<str>text).strip() if text is not None else ""
            fields[key] = value
        c_child = c_child.next
    return fields


def messages(cetree._Element root not None) -> object:
    """The fields of each ``MSG`` child of ``root``, in order; or ``(tag, line)`` of the
    first element whose key is given twice in its parent."""
    cdef list found = []
    cdef tree.xmlNode* c_child = root._c_node.children
    while c_child is not NULL:
        if c_child.type == tree.XML_ELEMENT_NODE and fold(cetree.pyunicode(c_child.name)) == "msg":
            fields = element_fields(root._doc, c_child)
            if type(fields) is tuple:
                return fields
            found.append(fields)
        c_child = c_child.next
    return found


def head(cetree._Element root not None) -> tuple:
    """The local name of ``root`` in lower case, and its attributes, keys in lower case."""
    cdef dict attributes = {}
    for key, value in cetree.collectAttributes(root._c_node, 3):
        attributes[(<str>key).lower()] = value
    return fold(cetree.pyunicode(root._c_node.name)), attributes
