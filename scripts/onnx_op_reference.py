#!/usr/bin/env python3
"""Writes small ONNX graphs, one per op variant the ONNX loader converts, with onnxruntime's outputs, to
.assets/onnx-ops/, for the Swift tests to compare the engine with (Tests/EngineTests/ONNXOperatorTests.swift).

Each case is a float graph from an NCHW input to outputs that end channels-last (a Transpose to NHWC, or a
flattening), as an SSD's heads do; its weights and input are seeded random numbers. For each case NAME:
  NAME.onnx          the model (written with the onnx package)
  NAME.input.f32     the input, NCHW float32
  NAME.output.N.f32  onnxruntime's output N (CPU execution provider), float32
index.json lists the cases with their input and output shapes. Usage: scripts/onnx_op_reference.py ASSETS_DIR
"""
import json, os, sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(14)
node = helper.make_node


def weights(name, *shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


def constant(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def nhwc(name, out):
    return node("Transpose", [name], [out], perm=[0, 2, 3, 1])


def conv(name, input, output, cin, cout, k, group=1, bias=True, **attributes):
    inits = [weights(name + ".w", cout, cin // group, *k)]
    inputs = [input, name + ".w"]
    if bias:
        inits.append(weights(name + ".b", cout))
        inputs.append(name + ".b")
    return [node("Conv", inputs, [output], group=group, **attributes)], inits


def cases():
    """name -> (input shape, nodes, initializers, outputs, opset)."""
    out = {}

    def single(name, shape, nodes_inits, opset=13):
        nodes, inits = nodes_inits
        out[name] = (shape, nodes + [nhwc("y", "out")], inits, ["out"], opset)

    single("conv_asymmetric_pads", [1, 3, 9, 11],
           conv("c", "input", "y", 3, 8, (3, 3), pads=[0, 1, 2, 1], strides=[2, 1]))
    single("conv_same_lower", [1, 3, 7, 9],
           conv("c", "input", "y", 3, 8, (3, 3), auto_pad="SAME_LOWER", strides=[2, 2]))
    single("conv_same_upper_even_kernel", [1, 4, 8, 10],
           conv("c", "input", "y", 4, 8, (4, 4), auto_pad="SAME_UPPER", strides=[2, 2]))
    single("conv_valid_stride3", [1, 5, 13, 11], conv("c", "input", "y", 5, 6, (5, 5), strides=[3, 3]))
    single("conv_dilated", [1, 8, 12, 12], conv("c", "input", "y", 8, 16, (3, 3), pads=[3, 3, 3, 3], dilations=[3, 3]))
    single("conv_rectangular_no_bias", [1, 6, 10, 7],
           conv("c", "input", "y", 6, 12, (1, 3), bias=False, pads=[0, 1, 0, 1]))
    single("depthwise_multiplier_2", [1, 4, 9, 9],
           conv("c", "input", "y", 4, 8, (3, 3), group=4, pads=[1, 1, 1, 1], strides=[2, 2]))

    nodes, inits = conv("c", "input", "c1", 3, 16, (3, 3), pads=[1, 1, 1, 1])
    inits += [weights("gamma", 16), weights("beta", 16), weights("mean", 16),
              constant("var", rng.uniform(0.5, 2, 16))]
    nodes += [node("BatchNormalization", ["c1", "gamma", "beta", "mean", "var"], ["b1"], epsilon=1e-3),
              node("Clip", ["b1"], ["r1"], min=0.0, max=6.0)]
    more, more_inits = conv("d", "r1", "d1", 16, 16, (3, 3), group=16, pads=[1, 1, 1, 1], bias=False)
    nodes += more + [node("BatchNormalization", ["d1", "gamma", "beta", "mean", "var"], ["b2"]),
                     node("Relu", ["b2"], ["y"])]
    out["batchnorm_relu6_depthwise_opset9"] = ([1, 3, 10, 10], nodes + [nhwc("y", "out")], inits + more_inits,
                                               ["out"], 9)

    out["pooling"] = ([1, 6, 11, 13], [
        node("MaxPool", ["input"], ["m"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        node("AveragePool", ["m"], ["a"], kernel_shape=[2, 2], strides=[2, 2]),
        node("GlobalAveragePool", ["a"], ["g"]),
        nhwc("m", "max"), nhwc("a", "average"), node("Flatten", ["g"], ["global"], axis=1),
    ], [], ["max", "average", "global"], 13)

    nodes, inits = conv("c", "input", "c1", 4, 4, (3, 3), pads=[1, 1, 1, 1])
    inits += [constant("half", 0.5), constant("three", 3.0), constant("shift", [[[[0.25]]]]),
              weights("full", 1, 4, 6, 6)]
    nodes += [
        node("Add", ["c1", "input"], ["sum"]), node("Relu", ["sum"], ["r"]),
        node("Mul", ["r", "half"], ["scaled"]), node("Sub", ["scaled", "full"], ["diff"]),
        node("Div", ["diff", "three"], ["third"]), node("Add", ["shift", "third"], ["shifted"]),
        node("Sigmoid", ["shifted"], ["s"]), node("Exp", ["s"], ["e"]), nhwc("e", "out"),
    ]
    out["arithmetic_and_activations"] = ([1, 4, 6, 6], nodes, inits, ["out"], 13)

    # Two heads as SSDs write them: conv, NHWC, reshape through Shape arithmetic, concat, softmax; then a decoding
    # tail with Slice (negative starts, opset 13 inputs).
    nodes, inits = [], []
    for head, (channels, stride) in enumerate([(6, 1), (6, 2)]):
        more, more_inits = conv(f"h{head}", "input", f"h{head}", 8, channels, (3, 3), pads=[1, 1, 1, 1],
                                strides=[stride, stride])
        nodes += more + [nhwc(f"h{head}", f"t{head}"), node("Shape", [f"t{head}"], [f"s{head}"]),
                         node("Gather", [f"s{head}", "zero"], [f"n{head}"], axis=0),
                         node("Unsqueeze", [f"n{head}", "axes"], [f"u{head}"]),
                         node("Concat", [f"u{head}", "minus1", "three_i"], [f"shape{head}"], axis=0),
                         node("Reshape", [f"t{head}", f"shape{head}"], [f"r{head}"])]
        inits += more_inits
    inits += [constant("zero", 0, np.int64), constant("axes", [0], np.int64), constant("minus1", [-1], np.int64),
              constant("three_i", [3], np.int64), constant("starts", [-2], np.int64),
              constant("ends", [1000], np.int64), constant("axis2", [2], np.int64)]
    nodes += [node("Concat", ["r0", "r1"], ["all"], axis=1), node("Softmax", ["all"], ["scores"], axis=-1),
              node("Slice", ["all", "starts", "ends", "axis2"], ["tail"])]
    out["ssd_heads"] = ([1, 8, 6, 8], nodes, inits, ["scores", "tail"], 13)
    return out


def main(assets):
    folder = os.path.join(assets, "onnx-ops")
    os.makedirs(folder, exist_ok=True)
    index = {"onnxruntime": ort.__version__, "onnx": onnx.__version__, "cases": []}
    options = ort.SessionOptions()
    options.log_severity_level = 3
    for name, (shape, nodes, inits, outputs, opset) in cases().items():
        graph = helper.make_graph(
            nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
            [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 7
        path = os.path.join(folder, name + ".onnx")
        onnx.save(model, path)
        x = rng.standard_normal(shape).astype(np.float32)
        x.tofile(os.path.join(folder, name + ".input.f32"))
        results = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"]).run(None, {"input": x})
        for i, result in enumerate(results):
            result.astype(np.float32).tofile(os.path.join(folder, f"{name}.output.{i}.f32"))
        index["cases"].append({"name": name, "input": shape, "outputs": [list(r.shape) for r in results]})
    with open(os.path.join(folder, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
    print(f"onnxruntime {ort.__version__}: {len(index['cases'])} op cases in {folder}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
