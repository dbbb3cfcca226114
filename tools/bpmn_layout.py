"""Draw a BPMN file: replace its diagram interchange (BPMN DI) with a plain left-to-right layout.

The process definition is written by hand; its drawing is derived from it, so bpmn.io and Camunda
Modeler open it. Columns follow the sequence flows from the start events, rows follow the lanes,
boundary events sit on their activity, an embedded sub-process is drawn collapsed with its own plane.

    .venv/bin/python tools/bpmn_layout.py workflows/colis_alimentaire.bpmn [...]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}
ACTIVITIES = {
    "userTask", "scriptTask", "businessRuleTask", "serviceTask", "manualTask", "task", "callActivity",
    "subProcess", "receiveTask", "sendTask",
}  # fmt: skip
COLUMN = 160
ROW = 120
LEFT = 130
LANE_HEADER = 30


@dataclass
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> tuple[float, float]:
        return self.x + self.width, self.y + self.height / 2

    @property
    def left(self) -> tuple[float, float]:
        return self.x, self.y + self.height / 2

    @property
    def bottom(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def size(kind: str) -> tuple[float, float]:
    if kind in EVENTS:
        return 36, 36
    if kind in GATEWAYS:
        return 50, 50
    return 110, 80


def ranks(container: etree._Element) -> dict[str, int]:
    """Column of each node: the longest path from a start, back edges (loops) ignored."""
    nodes = {n.get("id"): n for n in container if local(n) in EVENTS | GATEWAYS | ACTIVITIES}
    outgoing: dict[str, list[str]] = defaultdict(list)
    for flow in container.iter(f"{{{BPMN}}}sequenceFlow"):
        if flow.getparent() is container:
            outgoing[flow.get("sourceRef")].append(flow.get("targetRef"))
    for node in nodes.values():  # a boundary event leaves from its activity
        if local(node) == "boundaryEvent":
            outgoing[node.get("attachedToRef")].extend(outgoing[node.get("id")])
    forward: dict[str, list[str]] = defaultdict(list)
    state: dict[str, str] = {}

    def visit(node_id: str) -> None:
        state[node_id] = "open"
        for target in outgoing[node_id]:
            if state.get(target) == "open":
                continue  # a loop back
            forward[node_id].append(target)
            if target not in state:
                visit(target)
        state[node_id] = "done"

    starts = [i for i, n in nodes.items() if local(n) == "startEvent"]
    for start in starts + list(nodes):
        if start not in state and local(nodes[start]) != "boundaryEvent":
            visit(start)
    column = dict.fromkeys(nodes, 0)
    for node_id in _topological(forward, [i for i in nodes if local(nodes[i]) != "boundaryEvent"]):
        for target in forward[node_id]:
            column[target] = max(column[target], column[node_id] + 1)
    for node in nodes.values():
        if local(node) == "boundaryEvent":
            column[node.get("id")] = column[node.get("attachedToRef")]
    return column


def _topological(forward: dict[str, list[str]], nodes: list[str]) -> list[str]:
    incoming = dict.fromkeys(nodes, 0)
    for targets in forward.values():
        for target in targets:
            incoming[target] = incoming.get(target, 0) + 1
    ready = [n for n in nodes if incoming[n] == 0]
    order = []
    while ready:
        node = ready.pop(0)
        order.append(node)
        for target in forward[node]:
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return order


def draw(container: etree._Element, plane: etree._Element, lanes: list[etree._Element], top: float) -> Box:
    """Add shapes and edges of one process or sub-process to a plane; return the bounds used."""
    column = ranks(container)
    lane_of = {ref.text: lane.get("id") for lane in lanes for ref in lane.iter(f"{{{BPMN}}}flowNodeRef")}
    bands = [lane.get("id") for lane in lanes] or [None]
    placed: dict[tuple[str | None, int], int] = defaultdict(int)
    rows_in_band: dict[str | None, int] = defaultdict(lambda: 1)
    slots: dict[str, tuple[str | None, int, int]] = {}
    for node in container:
        kind = local(node)
        if kind not in EVENTS | GATEWAYS | ACTIVITIES or kind == "boundaryEvent":
            continue
        node_id = node.get("id")
        band = _band_of(node, lane_of, bands) if lanes else None
        row = placed[(band, column[node_id])]
        placed[(band, column[node_id])] += 1
        rows_in_band[band] = max(rows_in_band[band], row + 1)
        slots[node_id] = (band, column[node_id], row)
    band_top: dict[str | None, float] = {}
    y = top
    for band in bands:
        band_top[band] = y
        y += rows_in_band[band] * ROW + 40
    width = (max(column.values(), default=0) + 1) * COLUMN + 120
    boxes: dict[str, Box] = {}
    for node_id, (band, col, row) in slots.items():
        kind = local(container.find(f"*[@id='{node_id}']"))
        w, h = size(kind)
        cx, cy = LEFT + LANE_HEADER + 70 + col * COLUMN, band_top[band] + 20 + ROW / 2 + row * ROW
        boxes[node_id] = Box(cx - w / 2, cy - h / 2, w, h)
    attached: dict[str, int] = defaultdict(int)
    for node in container:
        if local(node) == "boundaryEvent":
            host = boxes[node.get("attachedToRef")]
            index = attached[node.get("attachedToRef")]
            attached[node.get("attachedToRef")] += 1
            boxes[node.get("id")] = Box(
                host.x + host.width - 36 - index * 40, host.y + host.height - 18, 36, 36
            )
    for node_id, box in boxes.items():
        shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{node_id}_di", bpmnElement=node_id)
        if local(container.find(f"*[@id='{node_id}']")) == "subProcess":
            shape.set("isExpanded", "false")
        _bounds(shape, box)
    bottom = y
    for flow in container:
        if local(flow) != "sequenceFlow":
            continue
        source, target = boxes[flow.get("sourceRef")], boxes[flow.get("targetRef")]
        boundary = local(container.find(f"*[@id='{flow.get('sourceRef')}']")) == "boundaryEvent"
        points = _route(source, target, boundary, bottom - 20)
        if not boundary:
            points = _around(points, [box for box in boxes.values() if box not in (source, target)])
        edge = etree.SubElement(
            plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{flow.get('id')}_di", bpmnElement=flow.get("id")
        )
        for px, py in points:
            etree.SubElement(edge, f"{{{DI}}}waypoint", x=f"{px:g}", y=f"{py:g}")
    for band in bands:
        if band is not None:
            lane_shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{band}_di", bpmnElement=band)
            lane_shape.set("isHorizontal", "true")
            height = rows_in_band[band] * ROW + 40
            _bounds(lane_shape, Box(LEFT, band_top[band], width, height))
    return Box(LEFT - 30, top, width + 30, y - top)


def _band_of(node: etree._Element, lane_of: dict[str, str], bands: list[str | None]) -> str | None:
    """The lane a node is drawn in: its own; for a sub-process left out of the lanes (so that its tasks
    keep their own lanes: SpiffWorkflow gives a sub-process's lane to all its tasks), its first task's."""
    for element in node.iter():
        band = lane_of.get(element.get("id", ""))
        if band is not None:
            return band
    return bands[0]


def _route(source: Box, target: Box, from_boundary: bool, low: float) -> list[tuple[float, float]]:
    tx, ty = target.left
    if from_boundary:
        bx, by = source.bottom
        if tx > bx:
            if ty > by:
                return [(bx, by), (bx, ty), (tx, ty)]
            return [(bx, by), (bx, by + 20), (tx - 20, by + 20), (tx - 20, ty), (tx, ty)]
        return [(bx, by), (bx, low), (tx - 20, low), (tx - 20, ty), (tx, ty)]
    sx, sy = source.right
    if tx > sx:
        if sy == ty:
            return [(sx, sy), (tx, ty)]
        middle = tx - 25
        return [(sx, sy), (middle, sy), (middle, ty), (tx, ty)]
    return [(sx, sy), (sx + 20, sy), (sx + 20, low), (tx - 20, low), (tx - 20, ty), (tx, ty)]


def _around(points: list[tuple[float, float]], others: list[Box]) -> list[tuple[float, float]]:
    """A straight edge that would cross another node on its row goes under the nodes in its way."""
    if len(points) != 2 or points[0][1] != points[1][1]:
        return points
    (sx, y), (tx, _) = points
    crossed = [box for box in others if sx < box.x < tx and box.y < y < box.y + box.height]
    if not crossed:
        return points
    below = max(box.y + box.height for box in crossed) + 20
    return [(sx, y), (sx + 20, y), (sx + 20, below), (tx - 20, below), (tx - 20, y), (tx, y)]


def _bounds(shape: etree._Element, box: Box) -> None:
    etree.SubElement(
        shape,
        f"{{{DC}}}Bounds",
        x=f"{box.x:g}",
        y=f"{box.y:g}",
        width=f"{box.width:g}",
        height=f"{box.height:g}",
    )


def layout(path: Path) -> None:
    parser = etree.XMLParser(remove_blank_text=False)
    tree = etree.parse(str(path), parser)
    root = tree.getroot()
    for diagram in root.findall(f"{{{BPMNDI}}}BPMNDiagram"):
        root.remove(diagram)
    participant = root.find(f"{{{BPMN}}}collaboration/{{{BPMN}}}participant")
    process = root.find(f"{{{BPMN}}}process")
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"Diagram_{process.get('id')}")
    plane = etree.SubElement(
        diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"Plane_{process.get('id')}",
        bpmnElement=participant.getparent().get("id") if participant is not None else process.get("id"),
    )  # fmt: skip
    lanes = process.findall(f"{{{BPMN}}}laneSet/{{{BPMN}}}lane")
    used = draw(process, plane, lanes, top=60)
    if participant is not None:
        shape = etree.Element(f"{{{BPMNDI}}}BPMNShape", id=f"{participant.get('id')}_di")
        shape.set("bpmnElement", participant.get("id"))
        shape.set("isHorizontal", "true")
        _bounds(shape, used)
        plane.insert(0, shape)
    for sub in process.iter(f"{{{BPMN}}}subProcess"):
        sub_diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"Diagram_{sub.get('id')}")
        sub_plane = etree.SubElement(
            sub_diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"Plane_{sub.get('id')}", bpmnElement=sub.get("id")
        )
        draw(sub, sub_plane, [], top=60)
    etree.indent(diagram.getparent(), space="  ")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        layout(Path(argument))
        print(f"dessiné : {argument}")
