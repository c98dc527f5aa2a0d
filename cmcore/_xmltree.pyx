# cython: language_level=3, boundscheck=False, wraparound=False
# cython: embedsignature=True, autotestdict=False
"""The compiled XML kernel: the fields of a status report's ``MSG`` elements, read from
lxml's tree through lxml's public C API (``etreepublic.pxd``), no element proxies made.

Its twin, ``_xmltree_py.py``, walks the same tree through the element API and gives the
same dicts. Both use lxml's own functions for text (``textOf``, the element's ``.text``) and
names (``namespacedName``, ``.tag``). Attributes are read in one pass over the element's
list of them (here, and XPath ``@*`` in the twin): lxml's ``collectAttributes`` and
``.items()`` look each value up by name, which is quadratic in their number. Keys are lower case;
an element with child elements becomes a nested dict, a leaf its text stripped, and a
leaf's attributes become fields ``"<leaf>@<attribute>"`` beside it (XML names hold no
``@``, so these clash with nothing). Nothing is dropped silently: a key given twice, an
attribute or element, is answered with ``(name, line)``, an attribute named
``"<element>@<attribute>"`` as written.
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


cdef str attribute_value(tree.xmlNode* c_node, tree.xmlAttr* c_attr):
    """The value of one attribute of ``c_node``: as libxml2 reads it, its one text node where
    it has one (a parsed attribute always does), else lxml's ``attributeValue``."""
    cdef tree.xmlNode* c_text = c_attr.children
    if c_text is NULL:
        return ""
    if c_text.next is NULL and c_text.type == tree.XML_TEXT_NODE and c_text.content is not NULL:
        return cetree.pyunicode(c_text.content)
    return cetree.attributeValue(c_node, c_attr)


cdef object add_attributes(cetree._Document doc, tree.xmlNode* c_node, dict fields, str prefix):
    """Put the attributes of ``c_node`` in ``fields``, each key ``prefix`` and its name in
    lower case; ``(tag@name, line)`` of the first whose key is there already, else None."""
    cdef tree.xmlAttr* c_attr = c_node.properties
    while c_attr is not NULL:
        name = cetree.namespacedName(<tree.xmlNode*>c_attr)
        key = fold(name) if prefix is None else prefix + fold(name)
        if key in fields:
            twice = cetree.elementFactory(doc, c_node)  # an error: lxml says which line
            return f"{twice.tag}@{name}", twice.sourceline
        fields[key] = attribute_value(c_node, c_attr)
        c_attr = c_attr.next
    return None


cdef object element_fields(cetree._Document doc, tree.xmlNode* c_node):
    """The fields of one element, or ``(name, line)`` of a key given twice within it."""
    cdef dict fields = {}
    cdef tree.xmlNode* c_child = c_node.children
    if c_node.properties is not NULL:
        twice = add_attributes(doc, c_node, fields, None)
        if twice is not None:
            return twice
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
                fields[key] = value
            else:
                text = cetree.textOf(c_child)
                fields[key] = (<str>text).strip() if text is not None else ""
                if c_child.properties is not NULL:
                    twice = add_attributes(doc, c_child, fields, key + "@")
                    if twice is not None:
                        return twice
        c_child = c_child.next
    return fields


def messages(cetree._Element root not None) -> object:
    """The fields of each ``MSG`` child of ``root``, in order; or ``(name, line)`` of the
    first key given twice in its element (``name`` is ``tag@attribute`` for an attribute)."""
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
    """The local name of ``root`` in lower case, and its attributes, keys in lower case; or,
    in their place, ``(tag@attribute, line)`` of an attribute whose key is given twice."""
    cdef dict attributes = {}
    twice = add_attributes(root._doc, root._c_node, attributes, None)
    return fold(cetree.pyunicode(root._c_node.name)), attributes if twice is None else twice
