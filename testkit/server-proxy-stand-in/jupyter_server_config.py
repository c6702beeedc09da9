# Loads the jupyter-server-proxy stand-in beside this file. Found through JUPYTER_CONFIG_PATH alone, which reaches
# a lab started by an Outpost (its environment keeps only JUPYTER_* and JUPYTERHUB_* variables), so the module's
# folder goes on sys.path here rather than through PYTHONPATH.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
c = get_config()  # noqa: F821 (given by traitlets when it runs a config file)
c.ServerApp.jpserver_extensions.update({"hubtray_server_proxy_stand_in": True})
