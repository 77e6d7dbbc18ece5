#!/usr/bin/env python3
"""A KServe v2 model server not written here: the `kserve` package's ModelServer (its REST protocol, binary tensor
data extension included) around the TFLite runtime, serving an SSD's raw heads as `ssd-detect worker` does, so
that the remote backend can be checked against an implementation of the protocol that is not ours.

usage: kserve_tflite_server.py MODEL.tflite --name NAME --heads BOXES SCORES [--port 8080]

The TFLite runtime runs the whole model (TFLite_Detection_PostProcess included) with its reference kernels, the
oracle our CPU backend matches bit for bit; the heads are read back as the tensors that feed the postprocess.
"""
import argparse

import kserve
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
from kserve import InferOutput, InferRequest, InferResponse


class TFLiteHeads(kserve.Model):
    def __init__(self, name, path, heads):
        super().__init__(name)
        self.interpreter = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                                       experimental_preserve_all_tensors=True)
        self.interpreter.allocate_tensors()
        self.input = self.interpreter.get_input_details()[0]
        tensors = {t["name"]: t for t in self.interpreter.get_tensor_details()}
        self.heads = [tensors[name] for name in heads]
        self.ready = True

    @staticmethod
    def describe(detail):
        return {"name": detail["name"], "datatype": "UINT8" if detail["dtype"] == np.uint8 else "FP32",
                "shape": [int(d) for d in detail["shape"]]}

    def get_input_types(self):
        return [self.describe(self.input)]

    def get_output_types(self):
        return [self.describe(head) for head in self.heads]

    async def predict(self, payload: InferRequest, headers=None, response_headers=None) -> InferResponse:
        image = payload.inputs[0].as_numpy().reshape(self.input["shape"])
        self.interpreter.set_tensor(self.input["index"], image.astype(self.input["dtype"]))
        self.interpreter.invoke()
        outputs = []
        for head in self.heads:
            values = self.interpreter.get_tensor(head["index"])
            output = InferOutput(name=head["name"], shape=list(values.shape),
                                 datatype=self.describe(head)["datatype"])
            output.set_data_from_numpy(values, binary_data=True)
            outputs.append(output)
        return InferResponse(response_id=payload.id or "", model_name=self.name, infer_outputs=outputs,
                             use_binary_outputs=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--name", required=True)
    parser.add_argument("--heads", nargs=2, required=True, metavar=("BOXES", "SCORES"))
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    model = TFLiteHeads(args.name, args.model, args.heads)
    kserve.ModelServer(http_port=args.port, enable_grpc=False, workers=1).start([model])


if __name__ == "__main__":
    main()
