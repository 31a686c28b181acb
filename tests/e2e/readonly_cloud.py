# SPDX-License-Identifier: Apache-2.0
"""A stack whose compute and image services are the read-only example driver (tests/drivers/readonly.cpp)
serving tests/data/readonly-cloud.json, with the local driver's identity service for tokens."""
import json
import os
import re
import secrets

from stack import TOP_SRCDIR, Stack

CONFIG = """
[general]
state_dir = {state}
module_dir = {module_dir}
log_file = {state}/log/jumpgate.log
[identity]
driver = local
[compute]
driver = {readonly}
readonly_file = {state}/readonly-cloud.json
[image]
driver = {readonly}
readonly_file = {state}/readonly-cloud.json
[volume]
driver =
[network]
driver =
"""

DATA = os.path.join(TOP_SRCDIR, "tests", "data", "readonly-cloud.json")
# The data file's projects, "project-a" and "project-b", are Keystone's ids once the stack has made them.
PROJECTS = ("project-a", "project-b")


def cloud():
    with open(DATA) as f:
        return json.load(f)


def with_projects(data, ids):
    """The data file's text with its projects' names replaced by `ids` (name -> id)."""
    text = json.dumps(data)
    for name, real in ids.items():
        text = text.replace(json.dumps(name), json.dumps(real))
    return text


def start():
    """The started stack, its admin's project (project_a) being the file's project-a; its project_b, token_b
    and env_b are a member's of project-b."""
    stack = Stack(CONFIG)
    data_file = os.path.join(stack.state, "readonly-cloud.json")
    with open(data_file, "w") as f:
        json.dump(cloud(), f)
    # The driver reads its file when a worker starts: the projects are made first, so that the file can
    # name them by the ids Keystone gave them.
    password = secrets.token_urlsafe(18)
    with open(os.path.join(stack.state, "admin-password"), "w") as f:
        f.write(password)
    out = stack.manage("bootstrap", "--username", "admin", "--password", password, "--project", "admin")
    admin_project = re.search(r"on project \S+ \((\w+)\)", out).group(1)
    project_b = stack.manage("project", "create", "project-b")
    stack.manage("user", "create", "b-user", "--password", "b-secret", "--project", "project-b")
    with open(data_file, "w") as f:
        f.write(with_projects(cloud(), {"project-a": admin_project, "project-b": project_b}))
    stack.start()
    status, hdrs, body = stack.request("POST", "/identity/v3/auth/tokens", auth=False, body={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "b-user", "domain": {"id": "default"}, "password": "b-secret"}}},
        "scope": {"project": {"name": "project-b", "domain": {"id": "default"}}}}})
    assert status == 201, body
    stack.project_a, stack.project_b, stack.token_b = admin_project, project_b, hdrs["x-subject-token"]
    stack.env_b = stack.env(OS_USERNAME="b-user", OS_PASSWORD="b-secret", OS_PROJECT_NAME="project-b")
    return stack
