#!/usr/bin/env python3
"""Writes the fuzzing seed corpora: small, valid inputs of every parser, one folder per fuzz target.

    fuzz_seeds.py OUT    writes OUT/{jpeg,png,base64,request,tflite,flexbuffers,onnx,manifest,kserve,http}/*

Deterministic (fixed pictures, seeded numbers), so a seed's name and bytes are the same on every machine with the
pinned Pillow, flatbuffers and onnx (scripts/requirements.txt). Made, not copied from the shared assets: each seed is a
few hundred bytes, which keeps libFuzzer's mutations close to the structure that matters. The manifest seeds are
the committed catalog's model.json files (models/) and valid variants of them that reach the other anchor kinds,
decodings and NMS.
"""
import base64
import io
import json
import pathlib
import struct
import sys
import zlib

import flatbuffers
from flatbuffers import flexbuffers
from PIL import Image


def picture(mode, size=(16, 12)):
    """A gradient with some edges, so that every JPEG block and PNG filter has work to do."""
    width, height = size
    rgb = Image.new("RGB", size)
    rgb.putdata([((x * 255) // width, (y * 255) // height, ((x ^ y) * 37) % 256)
                 for y in range(height) for x in range(width)])
    return rgb.convert(mode)


def saved(image, format, **options):
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def jpegs():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: a quarter turn clockwise
    return {
        "baseline.jpg": saved(picture("RGB"), "JPEG", quality=75),
        "progressive.jpg": saved(picture("RGB"), "JPEG", quality=75, progressive=True),
        "gray.jpg": saved(picture("L"), "JPEG"),
        "exif-orientation.jpg": saved(picture("RGB", (9, 5)), "JPEG", exif=exif.tobytes()),
        "cmyk-adobe.jpg": saved(picture("CMYK", (8, 8)), "JPEG"),
        "444-optimized.jpg": saved(picture("RGB", (7, 9)), "JPEG", subsampling=0, optimize=True),
    }


def interlaced_png(image):
    """An Adam7-interlaced RGB PNG, which Pillow does not write."""
    width, height = image.size
    pixels = image.tobytes()
    data = b""
    for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                           (0, 1, 1, 2)]:
        for y in range(y0, height, dy):
            row = b"".join(pixels[3 * (y * width + x):3 * (y * width + x) + 3] for x in range(x0, width, dx))
            if row:
                data += b"\0" + row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(data, 9)) + chunk(b"IEND", b"")


def pngs():
    return {
        "rgb.png": saved(picture("RGB"), "PNG"),
        "palette.png": saved(picture("RGB").quantize(16), "PNG"),
        "gray.png": saved(picture("L"), "PNG"),
        "gray16.png": saved(picture("L").point(lambda v: v * 257, "I").convert("I;16"), "PNG"),
        "rgba.png": saved(picture("RGBA"), "PNG"),
        "gray-alpha.png": saved(picture("LA", (5, 7)), "PNG"),
        "bilevel.png": saved(picture("1", (13, 3)), "PNG"),
        "interlaced.png": interlaced_png(picture("RGB", (11, 10))),
    }


def base64s(png):
    text = base64.b64encode(png).decode()
    return {
        "png.txt": text,
        "hello.txt": "SGVsbG8sIHdvcmxkIQ==",
        "unpadded.txt": "SGVsbG8sIHdvcmxkIQ",
        "urlsafe.txt": base64.urlsafe_b64encode(bytes(range(250, 256)) + b"\xfb\xff").decode(),
        "mime.txt": "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76)),
        "spaces.txt": " SGVs\tbG8g d29y\nbGQ= \n",
        "data-url.txt": "data:image/png;base64," + text,
        "empty.txt": "",
    }


def requests(png, jpeg):
    image, photo = base64.b64encode(png).decode(), base64.b64encode(jpeg).decode()
    return {
        "image.json": {"image": image},
        "options.json": {"image": photo, "threshold": 0.5, "max_detections": 5, "classes": ["person", "dog", 17]},
        "batch.json": {"instances": [{"b64": image}, {"b64": "data:image/jpeg;base64," + photo}], "threshold": 0.25},
        "empty-classes.json": {"instances": [{"b64": image}], "classes": [], "max_detections": 100},
    }


# TFLite: field slots of tensorflow/lite/schema/schema.fbs (version 3), as Sources/Engine/TFLite/TFLiteSchema.swift.
FLOAT32, INT32, UINT8 = 0, 2, 3
ADD, AVERAGE_POOL_2D, CONCATENATION, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE = 0, 1, 2, 3, 4, 6
LOGISTIC, MAX_POOL_2D, MUL, RELU, RELU6, RESHAPE, CUSTOM, QUANTIZE = 14, 17, 18, 19, 21, 22, 32, 114
# BuiltinOptions union tags, and each options table's fields as (slot, kind, value).
CONV_OPTIONS, DEPTHWISE_OPTIONS, POOL_OPTIONS, CONCAT_OPTIONS, ADD_OPTIONS, RESHAPE_OPTIONS, MUL_OPTIONS = (
    1, 2, 5, 10, 11, 17, 21)
SAME, VALID, RELU6_ACTIVATION = 0, 1, 3


def postprocess_options(classes, detections=10, per_class=100):
    """TFLite_Detection_PostProcess's custom options, as the TF Object Detection API's export writes them."""
    fbb = flexbuffers.Builder()
    with fbb.Map():
        fbb.Int("max_detections", detections)
        fbb.Int("max_classes_per_detection", 1)
        fbb.Int("detections_per_class", per_class)
        fbb.Bool("use_regular_nms", False)
        fbb.Float("nms_score_threshold", 1e-8)
        fbb.Float("nms_iou_threshold", 0.6)
        fbb.Int("num_classes", classes)
        for key, value in [("y_scale", 10.0), ("x_scale", 10.0), ("h_scale", 5.0), ("w_scale", 5.0)]:
            fbb.Float(key, value)
    return bytes(fbb.Finish())


class Model:
    """A one-subgraph TFLite model, built bottom up: tensors, then ops, then `finish()` writes the FlatBuffer."""

    def __init__(self):
        self.tensors, self.ops, self.buffers, self.codes = [], [], [b""], []

    def tensor(self, name, shape, type=FLOAT32, quantization=None, data=None):
        buffer = 0
        if data is not None:
            self.buffers.append(data)
            buffer = len(self.buffers) - 1
        self.tensors.append((name, shape, type, quantization, buffer))
        return len(self.tensors) - 1

    def op(self, code, inputs, outputs, options=None, custom=None):
        key = (code, custom[0] if custom else None)
        if key not in self.codes:
            self.codes.append(key)
        self.ops.append((self.codes.index(key), inputs, outputs, options, custom[1] if custom else None))

    def finish(self, inputs, outputs):
        b = flatbuffers.Builder(1024)

        def table(fields):
            # Vectors inside options ("i32s") are written before the table, as FlatBuffers requires.
            fields = [(slot, "offset", vector(value)) if kind == "i32s" else (slot, kind, value)
                      for slot, kind, value in fields]
            b.StartObject(1 + max([slot for slot, _, _ in fields], default=0))
            for slot, kind, value in fields:
                getattr(b, {"offset": "PrependUOffsetTRelativeSlot", "u8": "PrependUint8Slot", "i8": "PrependInt8Slot",
                            "i32": "PrependInt32Slot", "u32": "PrependUint32Slot"}[kind])(slot, value, 0)
            return b.EndObject()

        def vector(values, kind="i32"):
            size = {"i32": 4, "f32": 4, "i64": 8, "offset": 4}[kind]
            b.StartVector(size, len(values), size)
            for value in reversed(values):
                {"i32": b.PrependInt32, "f32": b.PrependFloat32, "i64": b.PrependInt64,
                 "offset": b.PrependUOffsetTRelative}[kind](value)
            return b.EndVector()

        def data(blob):
            b.StartVector(1, len(blob), 16)  # constants 16-byte aligned, as TFLite's converter writes them
            for byte in reversed(blob):
                b.PrependUint8(byte)
            return b.EndVector()

        buffers = vector([table([(0, "offset", data(blob))] if blob else []) for blob in self.buffers], "offset")
        tensors = []
        for name, shape, type, quantization, buffer in self.tensors:
            fields = [(0, "offset", vector(shape)), (1, "u8", type), (2, "u32", buffer),
                      (3, "offset", b.CreateString(name))]
            if quantization:
                scale, zero_point = quantization
                fields.append((4, "offset", table([(2, "offset", vector([scale], "f32")),
                                                   (3, "offset", vector([zero_point], "i64"))])))
            tensors.append(table(fields))
        ops = []
        for code, op_inputs, op_outputs, options, custom in self.ops:
            fields = [(0, "u32", code), (1, "offset", vector(op_inputs)), (2, "offset", vector(op_outputs))]
            if options:
                kind, option_fields = options
                fields += [(3, "u8", kind), (4, "offset", table(option_fields))]
            if custom:
                fields.append((5, "offset", b.CreateByteVector(custom)))
            ops.append(table(fields))
        subgraph = table([(0, "offset", vector(tensors, "offset")), (1, "offset", vector(inputs)),
                          (2, "offset", vector(outputs)), (3, "offset", vector(ops, "offset")),
                          (4, "offset", b.CreateString("main"))])
        codes = []
        for builtin, custom in self.codes:
            fields = [(0, "i8", min(builtin, 127)), (2, "i32", 1), (3, "i32", builtin)]
            if custom:
                fields.append((1, "offset", b.CreateString(custom)))
            codes.append(table(fields))
        model = table([(0, "u32", 3), (1, "offset", vector(codes, "offset")),
                       (2, "offset", vector([subgraph], "offset")), (3, "offset", b.CreateString("fuzz seed")),
                       (4, "offset", buffers)])
        b.Finish(model, file_identifier=b"TFL3")
        return bytes(b.Output())


def floats(values):
    return struct.pack(f"<{len(values)}f", *values)


def int32s(values):
    return struct.pack(f"<{len(values)}i", *values)


def anchors(count):
    """[count, 4] anchors (y, x, h, w) on a 2x2 grid, two per cell."""
    return [v for i in range(count) for v in (0.25 + 0.5 * (i // 4), 0.25 + 0.5 * (i // 2 % 2), 0.5, 0.5 / (1 + i % 2))]


def detection_tail(model, boxes, scores, anchor_tensor, classes):
    """The postprocess of 8 anchors: its counts within them, as the SSD module requires."""
    outputs = [model.tensor("detection_boxes", [1, 5, 4]), model.tensor("detection_classes", [1, 5]),
               model.tensor("detection_scores", [1, 5]), model.tensor("num_detections", [1])]
    model.op(CUSTOM, [boxes, scores, anchor_tensor], outputs,
             custom=("TFLite_Detection_PostProcess", postprocess_options(classes, detections=5, per_class=8)))
    return outputs


def float_ssd():
    """The float ops the engine reads: depthwise convolution, pooling, add, mul, activations, concatenation,
    reshapes (by a shape tensor and by options)."""
    m = Model()
    image = m.tensor("image", [1, 4, 4, 3])
    depthwise = m.tensor("depthwise", [1, 4, 4, 3])
    m.op(DEPTHWISE_CONV_2D, [image, m.tensor("dw_filter", [1, 3, 3, 3], data=floats([0.1] * 27)),
                             m.tensor("dw_bias", [3], data=floats([0, 0.5, -0.5]))], [depthwise],
         (DEPTHWISE_OPTIONS, [(0, "u8", SAME), (1, "i32", 1), (2, "i32", 1), (3, "i32", 1),
                              (4, "u8", RELU6_ACTIVATION)]))
    pooled = m.tensor("max_pool", [1, 2, 2, 3])
    m.op(MAX_POOL_2D, [depthwise], [pooled],
         (POOL_OPTIONS, [(0, "u8", VALID), (1, "i32", 2), (2, "i32", 2), (3, "i32", 2), (4, "i32", 2)]))
    averaged = m.tensor("average_pool", [1, 2, 2, 3])
    m.op(AVERAGE_POOL_2D, [pooled], [averaged],
         (POOL_OPTIONS, [(0, "u8", SAME), (1, "i32", 1), (2, "i32", 1), (3, "i32", 2), (4, "i32", 2)]))
    summed = m.tensor("sum", [1, 2, 2, 3])
    m.op(ADD, [pooled, averaged], [summed], (ADD_OPTIONS, []))
    scaled = m.tensor("scaled", [1, 2, 2, 3])
    m.op(MUL, [summed, m.tensor("half", [1], data=floats([0.5]))], [scaled], (MUL_OPTIONS, []))
    rectified = m.tensor("rectified", [1, 2, 2, 3])
    m.op(RELU, [scaled], [rectified])
    features = m.tensor("features", [1, 2, 2, 3])
    m.op(RELU6, [rectified], [features])
    halves = []
    for half in range(2):
        out = m.tensor(f"box_half_{half}", [1, 2, 2, 4])
        m.op(CONV_2D, [features, m.tensor(f"box_filter_{half}", [4, 1, 1, 3], data=floats([0.01 * (half + 1)] * 12)),
                       m.tensor(f"box_bias_{half}", [4], data=floats([0.0] * 4))], [out],
             (CONV_OPTIONS, [(0, "u8", SAME), (1, "i32", 1), (2, "i32", 1)]))
        halves.append(out)
    box_map = m.tensor("box_map", [1, 2, 2, 8])
    m.op(CONCATENATION, halves, [box_map], (CONCAT_OPTIONS, [(0, "i32", 3)]))
    boxes = m.tensor("box_encodings", [1, 8, 4])
    m.op(RESHAPE, [box_map, m.tensor("box_shape", [3], INT32, data=int32s([1, 8, 4]))], [boxes], (RESHAPE_OPTIONS, []))
    class_map = m.tensor("class_map", [1, 2, 2, 6])
    m.op(CONV_2D, [features, m.tensor("class_filter", [6, 1, 1, 3], data=floats([0.2, -0.1, 0.05] * 6)),
                   m.tensor("class_bias", [6], data=floats([0.1] * 6))], [class_map],
         (CONV_OPTIONS, [(0, "u8", VALID), (1, "i32", 1), (2, "i32", 1), (3, "u8", RELU6_ACTIVATION)]))
    logits = m.tensor("class_logits", [1, 8, 3])
    m.op(RESHAPE, [class_map], [logits], (RESHAPE_OPTIONS, [(0, "i32s", [1, 8, 3])]))  # the shape in options
    scores = m.tensor("class_scores", [1, 8, 3])
    m.op(LOGISTIC, [logits], [scores])
    outputs = detection_tail(m, boxes, scores, m.tensor("anchors", [8, 4], data=floats(anchors(8))), classes=2)
    return m.finish([image], outputs)


def quantized_ssd():
    """The shape of the real model: uint8 convolutions, reshapes, a logistic, uint8 anchors."""
    m = Model()
    image = m.tensor("image", [1, 2, 2, 3], UINT8, (1 / 128, 128))
    requantized = m.tensor("requantized", [1, 2, 2, 3], UINT8, (1 / 64, 128))
    m.op(QUANTIZE, [image], [requantized])
    box_map = m.tensor("box_map", [1, 2, 2, 8], UINT8, (0.05, 128))
    m.op(CONV_2D, [requantized, m.tensor("box_filter", [8, 1, 1, 3], UINT8, (0.01, 128), bytes(range(120, 144))),
                   m.tensor("box_bias", [8], INT32, (0.01 / 64, 0), int32s(range(-4, 4)))], [box_map],
         (CONV_OPTIONS, [(0, "u8", SAME), (1, "i32", 1), (2, "i32", 1)]))
    boxes = m.tensor("box_encodings", [1, 8, 4], UINT8, (0.05, 128))
    m.op(RESHAPE, [box_map, m.tensor("box_shape", [3], INT32, data=int32s([1, -1, 4]))], [boxes], (RESHAPE_OPTIONS, []))
    class_map = m.tensor("class_map", [1, 2, 2, 6], UINT8, (0.1, 100))
    m.op(CONV_2D, [requantized, m.tensor("class_filter", [6, 1, 1, 3], UINT8, (0.02, 127), bytes(range(100, 118))),
                   m.tensor("class_bias", [6], INT32, (0.02 / 64, 0), int32s([5] * 6))], [class_map],
         (CONV_OPTIONS, [(0, "u8", SAME), (1, "i32", 1), (2, "i32", 1)]))
    logits = m.tensor("class_logits", [1, 8, 3], UINT8, (0.1, 100))
    m.op(RESHAPE, [class_map, m.tensor("class_shape", [3], INT32, data=int32s([1, 8, 3]))], [logits],
         (RESHAPE_OPTIONS, []))
    scores = m.tensor("class_scores", [1, 8, 3], UINT8, (1 / 256, 0))
    m.op(LOGISTIC, [logits], [scores])
    real_scores = m.tensor("scores_float", [1, 8, 3])
    m.op(DEQUANTIZE, [scores], [real_scores])
    quantized_anchors = bytes(round(v * 255) for v in anchors(8))
    outputs = detection_tail(m, boxes, real_scores,
                             m.tensor("anchors", [8, 4], UINT8, (1 / 255, 0), quantized_anchors), classes=2)
    return m.finish([image], outputs)


def flexbuffer_values():
    """Every FlexBuffers type the reader decodes, one blob each, and the real op's options."""
    def built(fill):
        fbb = flexbuffers.Builder()
        fill(fbb)
        return bytes(fbb.Finish())

    def nested(fbb):
        with fbb.Map():
            fbb.String("name", "ssd")
            fbb.IndirectInt("big", -(1 << 40))
            fbb.IndirectFloat("pi", 3.14159)
            fbb.UInt("unsigned", 1 << 33)
            fbb.Null("nothing")
            with fbb.Vector("list"):
                fbb.Int(1)
                fbb.Float(2.5)
                fbb.Bool(True)
                fbb.String("three")
                fbb.Blob(b"\x00\x01\x02")
                with fbb.Map():
                    fbb.Int("depth", 2)

    return {
        "postprocess-options.flex": postprocess_options(90),
        "nested.flex": built(nested),
        "typed-ints.flex": built(lambda fbb: fbb.TypedVectorFromElements([1, -2, 300, -40000])),
        "typed-floats.flex": built(lambda fbb: fbb.TypedVectorFromElements([0.5, -1.25, 1e10])),
        "fixed-vector.flex": built(lambda fbb: fbb.FixedTypedVectorFromElements([1.0, 2.0, 3.0])),
        "bools.flex": built(lambda fbb: fbb.VectorFromElements([True, False, True])),
        "blob.flex": built(lambda fbb: fbb.Blob(bytes(range(40)))),
        "scalar.flex": flexbuffers.Dumps(-123456789),
        "string.flex": flexbuffers.Dumps("TFLite_Detection_PostProcess"),
    }


def onnx_ssds():
    """Two small float ONNX SSDs in the shapes PyTorch exporters write: NCHW convolutions with BatchNormalization
    and Relu, a depthwise convolution, a pooled branch, heads transposed and reshaped through Shape/Gather/
    Unsqueeze/Concat arithmetic, a softmax; the second also decodes its boxes in the graph (Slice, Mul, Exp, Div,
    Sub), as UltraFace's does. Opset 9 (attributes) and 13 (inputs) forms of the ops that changed."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(14)

    def init(name, *shape, value=None):
        data = rng.standard_normal(shape).astype(np.float32) if value is None else np.asarray(value)
        return numpy_helper.from_array(data, name)

    def model(opset, decode):
        n = helper.make_node
        inits = [init("w1", 8, 3, 3, 3), init("gamma", 8), init("beta", 8), init("mean", 8),
                 init("var", 8, value=np.full(8, 0.5, np.float32)), init("dw", 8, 1, 3, 3), init("dwb", 8),
                 init("cls", 4, 8, 1, 1), init("cb", 4), init("loc", 8, 8, 1, 1),
                 init("zero", value=np.array(0, np.int64)), init("minus1", value=np.array([-1], np.int64))]
        nodes = [
            n("Conv", ["input", "w1"], ["c1"], pads=[1, 1, 1, 1], strides=[2, 2]),
            n("BatchNormalization", ["c1", "gamma", "beta", "mean", "var"], ["b1"], epsilon=1e-5),
            n("Relu", ["b1"], ["r1"]),
            n("Conv", ["r1", "dw", "dwb"], ["d1"], group=8, pads=[1, 1, 1, 1]),
            n("MaxPool", ["d1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
            n("Conv", ["p1", "cls", "cb"], ["h1"]),
            n("Conv", ["p1", "loc"], ["h2"]),
        ]
        for head, width in (("h1", 2), ("h2", 4)):
            nodes += [
                n("Transpose", [head], [head + "t"], perm=[0, 2, 3, 1]),
                n("Shape", [head + "t"], [head + "s"]),
                n("Gather", [head + "s", "zero"], [head + "g"], axis=0),
                n("Constant", [], [head + "w"], value=helper.make_tensor("w", TensorProto.INT64, [], [width])),
            ]
            if opset >= 13:
                inits.append(init(head + "axes", value=np.array([0], np.int64)))
                nodes += [n("Unsqueeze", [head + "g", head + "axes"], [head + "u"]),
                          n("Unsqueeze", [head + "w", head + "axes"], [head + "v"])]
            else:
                nodes += [n("Unsqueeze", [head + "g"], [head + "u"], axes=[0]),
                          n("Unsqueeze", [head + "w"], [head + "v"], axes=[0])]
            nodes += [n("Concat", [head + "u", "minus1", head + "v"], [head + "shape"], axis=0),
                      n("Reshape", [head + "t", head + "shape"], [head + "r"])]
        nodes.append(n("Softmax", ["h1r"], ["scores"], axis=2))
        if decode:
            priors = rng.uniform(0.1, 0.9, (1, 32, 2)).astype(np.float32)
            inits += [init("centers", value=priors), init("sizes", value=priors / 4),
                      init("tenth", value=np.array(0.1, np.float32)), init("two", value=np.array(2, np.float32))]
            if opset >= 13:
                inits += [init(name, value=np.array(values, np.int64)) for name, values in
                          (("s0", [0]), ("s2", [2]), ("e4", [4]), ("ax", [2]))]
                slices = [n("Slice", ["h2r", "s0", "s2", "ax"], ["xy"]), n("Slice", ["h2r", "s2", "e4", "ax"], ["wh"])]
            else:
                slices = [n("Slice", ["h2r"], ["xy"], axes=[2], starts=[0], ends=[2]),
                          n("Slice", ["h2r"], ["wh"], axes=[2], starts=[2], ends=[2 ** 63 - 1])]
            nodes += slices + [
                n("Mul", ["xy", "tenth"], ["xy1"]), n("Mul", ["xy1", "sizes"], ["xy2"]),
                n("Add", ["xy2", "centers"], ["c"]), n("Exp", ["wh"], ["e"]), n("Mul", ["e", "sizes"], ["s"]),
                n("Div", ["s", "two"], ["half"]), n("Sub", ["c", "half"], ["lo"]), n("Add", ["c", "half"], ["hi"]),
                n("Concat", ["lo", "hi"], ["boxes"], axis=2)]
        else:
            nodes.append(n("Identity", ["h2r"], ["boxes"]))
        graph = helper.make_graph(
            nodes, "seed", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 16, 16])],
            [helper.make_tensor_value_info("scores", TensorProto.FLOAT, None),
             helper.make_tensor_value_info("boxes", TensorProto.FLOAT, None)], inits)
        built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        built.ir_version = 7
        return built.SerializeToString()

    return {"ssd-opset9.onnx": model(9, False), "ssd-decoding-opset9.onnx": model(9, True),
            "ssd-decoding-opset13.onnx": model(13, True)}


CATALOG = pathlib.Path(__file__).resolve().parent.parent / "models"


def manifests():
    """Every committed model.json, and valid variants of UltraFace's: every anchor kind, both box orders, every
    NMS, optional keys present and absent."""
    seeds = {f"{folder.name}.json": (folder / "model.json").read_bytes()
             for folder in sorted(CATALOG.iterdir()) if (folder / "model.json").is_file()}
    face = json.loads((CATALOG / "ultraface_rfb_320" / "model.json").read_text())

    def variant(**changes):
        document = json.loads(json.dumps(face))
        for key, value in changes.items():
            if value is None:
                document.pop(key, None)
            else:
                document[key] = value
        return json.dumps(document, separators=(",", ":")).encode()

    square = dict(face["input"], width=300, height=300, layout="NHWC", resize="pillow-bilinear")
    seeds["min-sizes-640x480.json"] = variant(input=dict(face["input"], width=640, height=480), outputs=None)
    seeds["tf-grid.json"] = variant(
        format="tflite", file="detect.tflite", labels=None, input=square,
        anchors={"kind": "tf-grid", "strides": [16, 32, 64, 100, 150, 300], "min_scale": 0.2, "max_scale": 0.95,
                 "aspect_ratios": [1, 2, 0.5, 3, 0.3333], "interpolated_scale_aspect_ratio": 1,
                 "reduce_boxes_in_lowest_layer": True, "base_anchor_size": [1, 1]},
        decode={"center_variance": 0.1, "size_variance": 0.2, "order": "yxhw"},
        postprocess={"nms": "tflite-fast", "score_threshold": 1e-8, "iou_threshold": 0.6, "max_detections": 10,
                     "classes": 90})
    seeds["caffe-priorbox.json"] = variant(
        input=square,
        anchors={"kind": "caffe-priorbox", "feature_maps": [[38, 38], [19, 19], [10, 10], [5, 5], [3, 3], [1, 1]],
                 "min_sizes": [[30], [60], [111], [162], [213], [264]],
                 "max_sizes": [[60], [111], [162], [213], [264], [315]],
                 "aspect_ratios": [[2], [2, 3], [2, 3], [2, 3], [2], [2]], "flip": True,
                 "steps": [8, 16, 32, 64, 100, 300], "offset": 0.5, "clip": True},
        postprocess={"nms": "tflite-regular", "score_threshold": 0.01, "iou_threshold": 0.45, "max_detections": 200})
    seeds["embedded-tflite.json"] = json.dumps(
        {"format": "tflite", "file": "sub/detect.tflite", "outputs": {"boxes": "raw_boxes", "scores": "raw_scores"},
         "anchors": {"kind": "embedded"}, "decode": "embedded",
         "postprocess": {"nms": "hard-per-class", "score_threshold": 0.5, "iou_threshold": 1, "candidates": 1,
                         "max_detections": 1}}, indent=2).encode()
    return seeds


def kserve_bodies():
    """KServe v2 bodies, each after its 4-byte Inference-Header-Content-Length (0: all JSON): requests with JSON
    data of every element type, binary requests, a response with both, and model metadata."""
    def framed(header, binary=b""):
        text = json.dumps(header, separators=(",", ":")).encode()
        return struct.pack("<I", len(text) if binary else 0) + text + binary
    def tensor(name, datatype, shape, **rest):
        return {"name": name, "datatype": datatype, "shape": shape, **rest}
    data = {"BOOL": [True, False], "UINT8": [0, 255], "INT8": [-128, 127], "UINT16": [0, 65535],
            "INT16": [-32768, 7], "UINT32": [0, 4294967295], "INT32": [-1, 2], "UINT64": [0, 9007199254740991],
            "INT64": [-9007199254740991, 1], "FP16": [0.5, -2], "FP32": [0.1, -3.5e38], "FP64": [1e-300, 2.5]}
    seeds = {f"json-{datatype.lower()}": framed({"id": "s", "inputs": [tensor("x", datatype, [2], data=values)]})
             for datatype, values in data.items()}
    seeds["json-nested"] = framed({"inputs": [tensor("x", "UINT8", [2, 2], data=[[1, 2], [3, 4]])],
                                   "outputs": [{"name": "y", "parameters": {"binary_data": True}}],
                                   "parameters": {"binary_data_output": False}})
    seeds["binary"] = framed({"inputs": [tensor("a", "UINT8", [1, 3], parameters={"binary_data_size": 3}),
                                         tensor("b", "FP32", [1], parameters={"binary_data_size": 4})]},
                             bytes([1, 2, 3]) + struct.pack("<f", 1.5))
    seeds["response"] = framed({"model_name": "m", "id": "r",
                                "outputs": [tensor("y", "FP32", [1], parameters={"binary_data_size": 4}),
                                            tensor("z", "UINT8", [2], data=[1, 2])]}, struct.pack("<f", 2.0))
    seeds["metadata"] = framed({"name": "m", "versions": ["1"], "platform": "p",
                                "inputs": [tensor("x", "UINT8", [1, 300, 300, 3])],
                                "outputs": [tensor("y", "FP32", [1, 1917, 4])]})
    return seeds


def http_responses():
    """HTTP/1.1 responses as a worker or another KServe server sends them, each after one byte that picks where
    fuzz-http splits it into two arrivals: Content-Length, chunked with extensions and trailers, an interim 100, an
    HTTP/1.0 answer read to the close, an error status."""
    def response(head, body=b"", split=0):
        return bytes([split]) + head.replace("\n", "\r\n").encode() + b"\r\n" + body
    binary = b'{"model_name":"m","outputs":[]}' + bytes(range(16))
    return {
        "length": response("HTTP/1.1 200 OK\nContent-Type: application/octet-stream\nInference-Header-Content-Length:"
                           f" 31\nServer-Timing: queue;dur=0.012, compute;dur=5.210\nContent-Length: {len(binary)}\n",
                           binary, 40),
        "chunked": response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n",
                            b"4;ext=1\r\nabcd\r\n2\r\nef\r\n0\r\nTrailer: x\r\n\r\n", 60),
        "continue": response("HTTP/1.1 100 Continue\n\nHTTP/1.1 204 No Content\n", b"", 5),
        "close": response("HTTP/1.0 200 OK\nConnection: close\n", b"until the end", 30),
        "error": response("HTTP/1.1 503 Service Unavailable\nRetry-After: 1\nContent-Length: 8\n", b"too busy"),
    }


def main(out):
    jpeg, png = jpegs(), pngs()
    corpora = {
        "jpeg": jpeg,
        "png": png,
        "base64": {name: text.encode() for name, text in base64s(png["palette.png"]).items()},
        "request": {name: json.dumps(body, separators=(",", ":")).encode()
                    for name, body in requests(png["palette.png"], jpeg["gray.jpg"]).items()},
        "tflite": {"float-ssd.tflite": float_ssd(), "quantized-ssd.tflite": quantized_ssd()},
        "flexbuffers": flexbuffer_values(),
        "onnx": onnx_ssds(),
        "manifest": manifests(),
        "kserve": kserve_bodies(),
        "http": http_responses(),
    }
    for target, seeds in corpora.items():
        folder = pathlib.Path(out) / target
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in seeds.items():
            (folder / name).write_bytes(data)
        print(f"{target}: {len(seeds)} seeds, {sum(map(len, seeds.values()))} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
