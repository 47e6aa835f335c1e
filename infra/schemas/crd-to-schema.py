# A CRD's openAPIV3Schema as a standalone JSON schema, strict like kubeconform's -strict: every object that lists its
# properties refuses others unless it preserves unknown fields; apiVersion and kind pinned.
import json, sys, yaml
crd_path, version, out = sys.argv[1], sys.argv[2], sys.argv[3]
crd = yaml.safe_load(open(crd_path))
group = crd['spec']['group']; kind = crd['spec']['names']['kind']
v = next(v for v in crd['spec']['versions'] if v['name'] == version)
schema = v['schema']['openAPIV3Schema']
def strict(node):
    if isinstance(node, dict):
        if node.get('type') == 'object' and 'properties' in node and not node.get('x-kubernetes-preserve-unknown-fields') and 'additionalProperties' not in node:
            node['additionalProperties'] = False
        if node.get('nullable'):
            t = node.get('type')
            if isinstance(t, str): node['type'] = [t, 'null']
        for k, x in list(node.items()):
            strict(x)
    elif isinstance(node, list):
        for x in node: strict(x)
strict(schema)
schema['properties']['apiVersion'] = {'type': 'string', 'enum': [f'{group}/{version}']}
schema['properties']['kind'] = {'type': 'string', 'enum': [kind]}
schema['required'] = sorted(set(schema.get('required', [])) | {'apiVersion', 'kind', 'metadata'})
schema['properties']['metadata'] = {'type': 'object'}
schema = {'$schema': 'http://json-schema.org/draft-07/schema#', **schema}
json.dump(schema, open(out, 'w'), indent=1, sort_keys=False)
