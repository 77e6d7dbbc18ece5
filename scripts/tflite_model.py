"""Edits of an SSD's .tflite file for the benchmark and the conformance check, through the runtime's own schema
(ai_edge_litert.schema_py_generated): unpack, change, pack again.
"""
import flatbuffers
from flatbuffers import flexbuffers
from ai_edge_litert import schema_py_generated as schema

POSTPROCESS = b"TFLite_Detection_PostProcess"

def _postprocess(model):
    """The unpacked model's last operator where it is TFLite_Detection_PostProcess, else None."""
    graph = model.subgraphs[0]
    last = graph.operators[-1] if graph.operators else None
    if last is None or model.operatorCodes[last.opcodeIndex].customCode != POSTPROCESS:
        return None
    return last

def _packed(model) -> bytes:
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())

def without_postprocess(content: bytes) -> bytes:
    """The model without its trailing TFLite_Detection_PostProcess op, the op's box and score inputs (its first two)
    as the outputs: the network `ssd-detect bench` times. The model unchanged where it has no such op."""
    model = schema.ModelT.InitFromPackedBuf(content, 0)
    op = _postprocess(model)
    if op is None:
        return content
    graph = model.subgraphs[0]
    graph.operators = graph.operators[:-1]
    graph.outputs = list(op.inputs[:2])
    return _packed(model)

def with_postprocess_options(content: bytes, **options) -> bytes:
    """The model with these options set in its TFLite_Detection_PostProcess op (e.g. use_regular_nms=True)."""
    model = schema.ModelT.InitFromPackedBuf(content, 0)
    op = _postprocess(model)
    if op is None:
        raise ValueError("the model has no trailing TFLite_Detection_PostProcess op")
    settings = flexbuffers.Loads(bytes(op.customOptions))
    settings.update(options)
    op.customOptions = list(flexbuffers.Dumps(settings))
    return _packed(model)
